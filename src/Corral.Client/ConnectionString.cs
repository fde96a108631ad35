using System.Net;

namespace Corral.Client;

/// <summary>
/// A parsed ZooKeeper connection string, "host1:port,host2:port/chroot". A host without a port
/// uses 2181; IPv6 hosts are written in brackets ("[::1]:2181"). The chroot, when present, is
/// prepended to every request path and stripped from every path the server returns.
/// </summary>
public sealed record ConnectionString(IReadOnlyList<DnsEndPoint> Hosts, string? Chroot)
{
    public const int DefaultPort = 2181;

    public static ConnectionString Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        string? chroot = null;
        int slash = text.IndexOf('/');
        string hostPart = text;
        if (slash >= 0)
        {
            chroot = text[slash..];
            hostPart = text[..slash];
            if (chroot == "/") chroot = null;
            else if (Corral.Protocol.PathUtils.Validate(chroot) is { } reason)
                throw new ArgumentException($"invalid chroot in connection string: {reason}", nameof(text));
        }

        var hosts = new List<DnsEndPoint>();
        foreach (var raw in hostPart.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            hosts.Add(ParseHost(raw));
        if (hosts.Count == 0) throw new ArgumentException($"no hosts in connection string \"{text}\"", nameof(text));
        return new ConnectionString(hosts, chroot);
    }

    private static DnsEndPoint ParseHost(string raw)
    {
        string host = raw;
        int port = DefaultPort;
        if (raw.StartsWith('['))
        {
            int close = raw.IndexOf(']');
            if (close < 0) throw new ArgumentException($"unterminated IPv6 address \"{raw}\"");
            host = raw[1..close];
            if (close + 1 < raw.Length)
            {
                if (raw[close + 1] != ':') throw new ArgumentException($"bad host \"{raw}\"");
                port = ParsePort(raw[(close + 2)..], raw);
            }
        }
        else
        {
            int colon = raw.LastIndexOf(':');
            if (colon >= 0)
            {
                host = raw[..colon];
                port = ParsePort(raw[(colon + 1)..], raw);
            }
        }
        if (host.Length == 0) throw new ArgumentException($"empty host name in \"{raw}\"");
        return new DnsEndPoint(host, port);
    }

    private static int ParsePort(string text, string raw) =>
        int.TryParse(text, out int port) && port is > 0 and <= 65535
            ? port
            : throw new ArgumentException($"bad port in \"{raw}\"");

    /// <summary>The server-side path for a client path.</summary>
    public string ToServerPath(string clientPath) =>
        Chroot is null ? clientPath : clientPath == "/" ? Chroot : Chroot + clientPath;

    /// <summary>The client-side path for a server path (paths outside the chroot are returned unchanged).</summary>
    public string ToClientPath(string serverPath)
    {
        if (Chroot is null) return serverPath;
        if (serverPath == Chroot) return "/";
        if (serverPath.Length > Chroot.Length && serverPath.StartsWith(Chroot, StringComparison.Ordinal) && serverPath[Chroot.Length] == '/')
            return serverPath[Chroot.Length..];
        return serverPath;
    }

    public override string ToString() =>
        string.Join(",", Hosts.Select(h => h.Host.Contains(':') ? $"[{h.Host}]:{h.Port}" : $"{h.Host}:{h.Port}")) + Chroot;
}
