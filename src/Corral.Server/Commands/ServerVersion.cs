using System.Reflection;

namespace Corral.Server.Commands;

/// <summary>
/// The version line the four-letter words print. Monitoring tools parse the leading
/// "major.minor.patch", so Corral reports the ZooKeeper release whose behaviour it follows, with a
/// "-corral" suffix naming the implementation.
/// </summary>
public static class ServerVersion
{
    /// <summary>The Apache ZooKeeper release whose client-visible behaviour Corral follows.</summary>
    public const string CompatibleZooKeeperVersion = "3.9.4";

    /// <summary>e.g. "3.9.4-corral-1.0.0, built on 2025-11-22 03:51 UTC" (build time = assembly file time).</summary>
    public static string Full { get; } = Build();

    private static string Build()
    {
        var assembly = typeof(ServerVersion).Assembly;
        string informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+');
        if (plus >= 0) informational = informational[..plus];
        DateTime built = string.IsNullOrEmpty(assembly.Location)
            ? DateTime.UnixEpoch
            : File.GetLastWriteTimeUtc(assembly.Location);
        return $"{CompatibleZooKeeperVersion}-corral-{informational}, built on {built:yyyy-MM-dd HH:mm} UTC";
    }
}
