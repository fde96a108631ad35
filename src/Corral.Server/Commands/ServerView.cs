using Corral.Server.Configuration;
using Corral.Server.Network;
using Corral.Server.Processing;

namespace Corral.Server.Commands;

/// <summary>
/// What the diagnostic commands (four-letter words and the admin server) read: the processing
/// loop (core state and server counters, read only on the loop), the live connections and the
/// configuration.
/// </summary>
public sealed record ServerView(CoreLoop Loop, ConnectionRegistry Connections, CorralServerOptions Options, TimeProvider Time)
{
    /// <summary>The client port actually bound (set once Kestrel has started; clientPort may be 0).</summary>
    public int ClientPort { get; set; }

    /// <summary>The secure (TLS) client port actually bound; -1 when secureClientPort is not configured (conf prints it).</summary>
    public int SecureClientPort { get; set; } = -1;

    /// <summary>Loop only: requests received and not yet answered over all connections.</summary>
    public long Outstanding()
    {
        long n = 0;
        foreach (var c in Connections.Snapshot()) n += c.Outstanding;
        return n;
    }

    /// <summary>ZooKeeper's dataDir/dataLogDir as conf prints them: the "version-2" directory under each.</summary>
    public string SnapshotDirectory => Path.Combine(Path.GetFullPath(Options.DataDir), "version-2");

    public string LogDirectory => Path.Combine(Path.GetFullPath(Options.EffectiveDataLogDir), "version-2");

    /// <summary>Total bytes of the files directly in <paramref name="directory"/> (0 when it does not exist), as ZooKeeper's dirs.</summary>
    public static long DirectorySize(string directory)
    {
        try
        {
            return Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles().Sum(f => f.Length) : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
