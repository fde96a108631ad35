using System.Net;

namespace Corral.Bench;

/// <summary>The workload a bench run drives.</summary>
public enum BenchWorkload
{
    /// <summary>getData on random keys; every value is verified.</summary>
    Get,
    /// <summary>setData of a fresh self-verifying value on random keys.</summary>
    Set,
    /// <summary>getData with probability --read-pct, setData otherwise.</summary>
    Mix,
    /// <summary>create a new znode, then delete it (two operations, pipelined in order).</summary>
    CreateDelete,
    /// <summary>create ephemeral-sequential znodes under one shared parent (removed when the session closes).</summary>
    Sequential,
    /// <summary>one multi per operation: create a znode, set a key, delete the znode.</summary>
    Multi,
    /// <summary>setData on random keys while every session holds a persistent recursive watch on the keys: each set fires one notification per session.</summary>
    Watch,
}

/// <summary>Everything a bench run needs; validated by <see cref="Validate"/>.</summary>
public sealed record BenchOptions
{
    public IReadOnlyList<DnsEndPoint> Hosts { get; init; } = [new DnsEndPoint("127.0.0.1", 2181)];
    public BenchWorkload Workload { get; init; } = BenchWorkload.Mix;
    /// <summary>Sessions, one TCP connection each.</summary>
    public int Clients { get; init; } = 8;
    /// <summary>Requests kept outstanding per session.</summary>
    public int Window { get; init; } = 16;
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Share of reads in the mix workload, 0..100.</summary>
    public int ReadPercent { get; init; } = 90;
    /// <summary>Bytes of data per znode written (1 KB, as in the ZooKeeper paper).</summary>
    public int Size { get; init; } = 1024;
    /// <summary>How many key znodes get/set/mix/watch spread over.</summary>
    public int Keys { get; init; } = 1000;
    /// <summary>The bench's own subtree; created at start, removed at the end unless <see cref="Keep"/>.</summary>
    public string Root { get; init; } = "/corral-bench";
    public bool Keep { get; init; }
    public int SessionTimeoutMs { get; init; } = 30_000;
    public int Seed { get; init; } = 1;
    /// <summary>Server processes whose CPU time (from /proc) is charged to the measured operations.</summary>
    public IReadOnlyList<int> ServerPids { get; init; } = [];
    /// <summary>How long to wait, after the last write, for watch notifications still in flight.</summary>
    public TimeSpan NotificationGrace { get; init; } = TimeSpan.FromSeconds(10);

    public string KeysPath => Root + "/keys";
    public string CreateDeletePath => Root + "/cd";
    public string SequentialPath => Root + "/seq";
    public string MultiPath => Root + "/multi";

    public static string KeyName(int key) => "k" + key.ToString("D7");

    /// <summary>Returns the first problem with these options, or null when they are usable.</summary>
    public string? Validate()
    {
        if (Hosts.Count == 0) return "--hosts needs at least one host:port";
        if (Clients < 1 || Clients > 10_000) return "--clients must be between 1 and 10000";
        if (Window < 1 || Window > 10_000) return "--window must be between 1 and 10000";
        if (Duration <= TimeSpan.Zero) return "--duration must be positive";
        if (Warmup < TimeSpan.Zero) return "--warmup must not be negative";
        if (ReadPercent is < 0 or > 100) return "--read-pct must be between 0 and 100";
        if (Size < Payload.MinSize || Size > 1_000_000) return $"--size must be between {Payload.MinSize} and 1000000 bytes";
        if (Keys < 1 || Keys > 10_000_000) return "--keys must be between 1 and 10000000";
        if (Root.Length > 150) return "--root must be at most 150 characters";
        if (!Root.StartsWith('/') || Root.Length < 2 || Root.EndsWith('/')) return "--root must be an absolute znode path other than /";
        return null;
    }

    /// <summary>Parses "host:port,host:port" (a ZooKeeper connect string without chroot); port defaults to 2181.</summary>
    public static IReadOnlyList<DnsEndPoint> ParseHosts(string hosts)
    {
        var list = new List<DnsEndPoint>();
        foreach (var part in hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = part.LastIndexOf(':');
            if (colon < 0) { list.Add(new DnsEndPoint(part, 2181)); continue; }
            string host = part[..colon].Trim('[', ']');
            if (!int.TryParse(part[(colon + 1)..], out int port) || port is < 1 or > 65535)
                throw new FormatException($"bad port in host '{part}'");
            list.Add(new DnsEndPoint(host, port));
        }
        if (list.Count == 0) throw new FormatException("no hosts given");
        return list;
    }
}
