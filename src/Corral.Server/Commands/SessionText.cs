using System.Globalization;
using System.Text;

namespace Corral.Server.Commands;

/// <summary>dump: sessions grouped by expiry, ephemerals per session, connections (ZooKeeper's DumpCommand layout). Loop only.</summary>
public static class SessionText
{
    public static string Dump(ServerView view)
    {
        var core = view.Loop.Core.Inspect;
        int tick = Math.Max(1, view.Options.TickTime);
        var sb = new StringBuilder();

        sb.Append("SessionTracker dump:\n");
        var sessions = core is null
            ? []
            : core.Tree.Sessions.Keys.Select(id => (Id: id, Expiry: RoundUp(core.Sessions.ExpiryOf(id), tick))).ToList();
        var sessionSets = sessions.GroupBy(s => s.Expiry).OrderBy(g => g.Key).ToList();
        sb.Append("Session Sets (").Append(sessionSets.Count).Append(")/(").Append(sessions.Count).Append("):\n");
        foreach (var set in sessionSets)
        {
            sb.Append(set.Count()).Append(" expire at ").Append(JavaDate(set.Key)).Append(":\n");
            foreach (var s in set.OrderBy(s => s.Id)) sb.Append("\t0x").Append(ConnectionText.Hex(s.Id)).Append('\n');
        }

        sb.Append("ephemeral nodes dump:\n");
        var owners = core is null ? [] : core.Tree.SessionsWithEphemerals.Order().ToList();
        sb.Append("Sessions with Ephemerals (").Append(owners.Count).Append("):\n");
        foreach (long owner in owners)
        {
            sb.Append("0x").Append(ConnectionText.Hex(owner)).Append(":\n");
            foreach (string path in core!.Tree.GetEphemerals(owner).Order(StringComparer.Ordinal)) sb.Append('\t').Append(path).Append('\n');
        }

        // ZooKeeper's NIO factory expires idle connections in buckets too; Corral closes a connection
        // when its session expires, so its bucket is the session's (sessionless ones: the next tick).
        sb.Append("Connections dump:\n");
        long now = view.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var connections = view.Connections.Snapshot()
            .Select(c => (Conn: c, Expiry: c.Details.SessionId != 0 && core is not null
                ? RoundUp(core.Sessions.ExpiryOf(c.Details.SessionId), tick)
                : RoundUp(now, tick)))
            .ToList();
        var connectionSets = connections.GroupBy(c => c.Expiry).OrderBy(g => g.Key).ToList();
        sb.Append("Connections Sets (").Append(connectionSets.Count).Append(")/(").Append(connections.Count).Append("):\n");
        foreach (var set in connectionSets)
        {
            sb.Append(set.Count()).Append(" expire at ").Append(JavaDate(set.Key)).Append(":\n");
            foreach (var c in set)
                sb.Append("\tip: /").Append(c.Conn.RemoteAddress).Append(" sessionId: 0x").Append(ConnectionText.Hex(c.Conn.Details.SessionId)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>ZooKeeper's expiry buckets: the next multiple of tickTime after the deadline.</summary>
    internal static long RoundUp(long ms, int tick) => (ms / tick + 1) * tick;

    /// <summary>java.util.Date.toString in UTC: "Sun Dec 06 15:37:55 UTC 2026".</summary>
    public static string JavaDate(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);
}
