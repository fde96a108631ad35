using System.Globalization;
using System.Text;
using Corral.Server.Network;

namespace Corral.Server.Commands;

/// <summary>cons (and stat's client lines) in ServerCnxn.dumpConnectionInfo's layout. Loop only.</summary>
public static class ConnectionText
{
    /// <summary>cons: every connection with its session details, one per line, then a blank line.</summary>
    public static string Connections(ServerView view)
    {
        var sb = new StringBuilder();
        foreach (var c in view.Connections.Snapshot()) AppendFull(sb, c).Append('\n');
        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>" /ip:port[interest](queued=..,recved=..,sent=..)": stat's short form.</summary>
    public static StringBuilder AppendBrief(StringBuilder sb, ClientConnection c) => AppendCounters(sb, c).Append(')');

    /// <summary>The short form plus, once a session is bound, sid, lop, est, to, lcxid, lzxid, lresp and latencies.</summary>
    public static StringBuilder AppendFull(StringBuilder sb, ClientConnection c)
    {
        AppendCounters(sb, c);
        var d = c.Details;
        if (d.SessionId != 0)
        {
            sb.Append(",sid=0x").Append(Hex(d.SessionId))
              .Append(",lop=").Append(d.LastOperation)
              .Append(",est=").Append(d.EstablishedUnixMs)
              .Append(",to=").Append(d.SessionTimeoutMs);
            if (d.LastCxid >= 0) sb.Append(",lcxid=0x").Append(Hex(d.LastCxid));
            sb.Append(",lzxid=0x").Append(Hex(d.LastZxid))
              .Append(",lresp=").Append(d.LastResponseUnixMs)
              .Append(",llat=").Append(d.LastLatencyMs)
              .Append(",minlat=").Append(d.MinLatencyMs == long.MaxValue ? 0 : d.MinLatencyMs)
              .Append(",avglat=").Append(d.AverageLatencyMs)
              .Append(",maxlat=").Append(d.MaxLatencyMs);
        }
        return sb.Append(')');
    }

    private static StringBuilder AppendCounters(StringBuilder sb, ClientConnection c)
    {
        // Interest ops as NIO shows them: 1 (read) for a client connection, 0 for a command connection or one closing.
        bool reading = !c.IsCommand && !c.Output.CloseRequested;
        return sb.Append(" /").Append(c.RemoteAddress)
          .Append('[').Append(reading ? '1' : '0').Append("](queued=").Append(c.Outstanding)
          .Append(",recved=").Append(c.PacketsReceived)
          .Append(",sent=").Append(c.PacketsSent);
    }

    /// <summary>Java's Long.toHexString: two's complement for negatives (-1 is ffffffffffffffff).</summary>
    public static string Hex(long value) => value.ToString("x", CultureInfo.InvariantCulture);
}
