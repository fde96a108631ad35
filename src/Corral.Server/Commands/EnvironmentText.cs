using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace Corral.Server.Commands;

/// <summary>
/// conf, envi and dirs. conf and dirs use ZooKeeper's keys and layout. envi keeps ZooKeeper's keys
/// (scripts parse them) and fills the java.* ones with the .NET runtime's equivalents.
/// </summary>
public static class EnvironmentText
{
    public static IReadOnlyList<KeyValuePair<string, object>> ConfigurationValues(ServerView view)
    {
        var o = view.Options;
        return
        [
            new("clientPort", view.ClientPort),
            new("secureClientPort", view.SecureClientPort),
            new("dataDir", view.SnapshotDirectory),
            new("dataDirSize", ServerView.DirectorySize(view.SnapshotDirectory)),
            new("dataLogDir", view.LogDirectory),
            new("dataLogSize", ServerView.DirectorySize(view.LogDirectory)),
            new("tickTime", o.TickTime),
            new("maxClientCnxns", o.MaxClientCnxns),
            new("minSessionTimeout", o.EffectiveMinSessionTimeout),
            new("maxSessionTimeout", o.EffectiveMaxSessionTimeout),
            new("clientPortListenBacklog", -1),
            new("serverId", 0),
        ];
    }

    public static string Configuration(ServerView view) => Lines(ConfigurationValues(view), "=");

    public static IReadOnlyList<KeyValuePair<string, object>> EnvironmentValues()
    {
        var gc = GC.GetGCMemoryInfo();
        long totalMb = gc.TotalAvailableMemoryBytes / (1024 * 1024);
        long usedMb = GC.GetTotalMemory(false) / (1024 * 1024);
        return
        [
            new("zookeeper.version", ServerVersion.Full),
            new("host.name", Dns.GetHostName()),
            new("java.version", Environment.Version.ToString()),
            new("java.vendor", ".NET (" + RuntimeInformation.FrameworkDescription + ")"),
            new("java.home", RuntimeEnvironment()),
            new("java.class.path", AppContext.BaseDirectory.TrimEnd('/')),
            new("java.library.path", Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? ""),
            new("java.io.tmpdir", Path.GetTempPath().TrimEnd('/')),
            new("java.compiler", "<NA>"),
            new("os.name", RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "Linux" : RuntimeInformation.OSDescription),
            new("os.arch", RuntimeInformation.OSArchitecture == Architecture.X64 ? "amd64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()),
            new("os.version", Environment.OSVersion.Version.ToString()),
            new("user.name", Environment.UserName),
            new("user.home", Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)),
            new("user.dir", Environment.CurrentDirectory),
            new("os.memory.free", $"{Math.Max(0, totalMb - usedMb)}MB"),
            new("os.memory.max", $"{totalMb}MB"),
            new("os.memory.total", $"{totalMb}MB"),
        ];
    }

    public static string EnvironmentReport() => "Environment:\n" + Lines(EnvironmentValues(), "=");

    public static IReadOnlyList<KeyValuePair<string, object>> DirectoryValues(ServerView view) =>
    [
        new("datadir_size", ServerView.DirectorySize(view.SnapshotDirectory)),
        new("logdir_size", ServerView.DirectorySize(view.LogDirectory)),
    ];

    public static string Directories(ServerView view) => Lines(DirectoryValues(view), ": ");

    private static string RuntimeEnvironment() => Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";

    private static string Lines(IEnumerable<KeyValuePair<string, object>> values, string separator)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in values) sb.Append(key).Append(separator).Append(value).Append('\n');
        return sb.ToString();
    }
}
