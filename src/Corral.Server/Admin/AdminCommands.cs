using Corral.Server.Commands;

namespace Corral.Server.Admin;

/// <summary>
/// The admin server's commands: ZooKeeper AdminServer names (and their four-letter aliases), each
/// producing a JSON object with "command" and "error" plus the command's fields, as ZooKeeper's
/// CommandResponse does. Every producer runs on the processing loop.
/// </summary>
public static class AdminCommands
{
    public sealed record Command(string Name, string[] Aliases, bool ChangesState, Func<ServerView, Dictionary<string, object?>> Run);

    public static readonly IReadOnlyList<Command> All =
    [
        new("configuration", ["conf", "config"], false, v => Pairs(EnvironmentText.ConfigurationValues(v), SnakeCase)),
        new("connection_stat_reset", ["crst"], true, v => { FourLetterWordResponder.ResetConnections(v); return []; }),
        new("connections", ["cons"], false, Connections),
        new("dirs", [], false, v => Pairs(EnvironmentText.DirectoryValues(v), k => k)),
        new("dump", [], false, Dump),
        new("environment", ["env", "envi"], false, _ => Pairs(EnvironmentText.EnvironmentValues(), k => k)),
        new("hash", [], false, Hash),
        new("is_read_only", ["isro"], false, _ => new() { ["read_only"] = false }),
        new("monitor", ["mntr"], false, v => Pairs(StatText.MonitorValues(v), k => k)),
        new("ruok", [], false, _ => []),
        new("server_stats", ["srvr"], false, ServerStats),
        new("stat_reset", ["srst"], true, v => { FourLetterWordResponder.ResetServer(v); return []; }),
        new("stats", ["stat"], false, v => { var r = ServerStats(v); r["connections"] = Connections(v)["connections"]; return r; }),
        new("watch_summary", ["wchs"], false, WatchSummary),
        new("watches", ["wchc"], false, v => new()
        {
            ["session_id_to_watched_paths"] = WatchText.BySessionSorted(v).ToDictionary(w => w.Session.ToString(), w => (object)w.Paths),
        }),
        new("watches_by_path", ["wchp"], false, v => new()
        {
            ["path_to_session_ids"] = WatchText.ByPathSorted(v).ToDictionary(p => p.Path, p => (object)p.Sessions),
        }),
    ];

    /// <summary>The command for a primary name or an alias, or null.</summary>
    public static Command? Find(string name) => All.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name));

    /// <summary>The four-letter word a command shares its cost with (for the costly-command limit), if any.</summary>
    public static string FourLetterName(Command c) => c.Aliases.FirstOrDefault(a => a.Length == 4) ?? c.Name;

    private static Dictionary<string, object?> ServerStats(ServerView v)
    {
        var stats = v.Loop.Statistics;
        var core = v.Loop.Core.GetStatistics();
        return new()
        {
            ["version"] = ServerVersion.Full,
            ["read_only"] = false,
            ["server_stats"] = new Dictionary<string, object?>
            {
                ["packets_sent"] = stats.PacketsSent,
                ["packets_received"] = stats.PacketsReceived,
                ["max_latency"] = stats.MaxLatencyMs,
                ["min_latency"] = stats.MinLatencyMs,
                ["avg_latency"] = stats.AverageLatencyMs,
                ["outstanding_requests"] = v.Outstanding(),
                ["last_processed_zxid"] = core.LastProcessedZxid,
                ["num_alive_client_connections"] = v.Connections.Count,
                ["server_state"] = core.ServerState,
                ["uptime"] = (long)stats.Uptime.TotalMilliseconds,
            },
            ["client_response"] = new Dictionary<string, object?>
            {
                ["last_buffer_size"] = stats.LastResponseSize,
                ["min_buffer_size"] = stats.MinResponseSize,
                ["max_buffer_size"] = stats.MaxResponseSize,
            },
            ["node_count"] = core.NodeCount,
        };
    }

    private static Dictionary<string, object?> Connections(ServerView v) => new()
    {
        ["connections"] = v.Connections.Snapshot().Select(c =>
        {
            var d = c.Details;
            return new Dictionary<string, object?>
            {
                ["remote_socket_address"] = c.RemoteAddress,
                ["interest_ops"] = !c.IsCommand && !c.Output.CloseRequested ? 1 : 0,
                ["outstanding_requests"] = c.Outstanding,
                ["packets_received"] = c.PacketsReceived,
                ["packets_sent"] = c.PacketsSent,
                ["session_id"] = d.SessionId == 0 ? null : "0x" + ConnectionText.Hex(d.SessionId),
                ["last_operation"] = d.LastOperation,
                ["session_timeout"] = d.SessionTimeoutMs,
                ["last_cxid"] = d.LastCxid,
                ["last_zxid"] = d.LastZxid,
                ["last_response_time"] = d.LastResponseUnixMs,
                ["last_latency"] = d.LastLatencyMs,
                ["min_latency"] = d.MinLatencyMs == long.MaxValue ? 0 : d.MinLatencyMs,
                ["avg_latency"] = d.AverageLatencyMs,
                ["max_latency"] = d.MaxLatencyMs,
                ["established"] = d.EstablishedUnixMs,
            };
        }).ToList(),
        ["secure_connections"] = Array.Empty<object>(),
    };

    private static Dictionary<string, object?> Dump(ServerView v)
    {
        var core = v.Loop.Core.Inspect;
        int tick = Math.Max(1, v.Options.TickTime);
        var expiry = core is null
            ? []
            : core.Tree.Sessions.Keys.GroupBy(id => SessionText.RoundUp(core.Sessions.ExpiryOf(id), tick))
                .OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => (object)g.Order().ToList());
        var ephemerals = core is null
            ? []
            : core.Tree.SessionsWithEphemerals.Order()
                .ToDictionary(s => s.ToString(), s => (object)core.Tree.GetEphemerals(s).Order(StringComparer.Ordinal).ToList());
        return new() { ["expiry_time_to_session_ids"] = expiry, ["session_id_to_ephemeral_paths"] = ephemerals };
    }

    private static Dictionary<string, object?> WatchSummary(ServerView v)
    {
        var (watchers, paths, watches) = v.Loop.Core.Inspect?.Watches.DataWatchSummary ?? (0, 0, 0);
        return new() { ["num_connections"] = watchers, ["num_paths"] = paths, ["num_total_watches"] = watches };
    }

    private static Dictionary<string, object?> Hash(ServerView v)
    {
        var core = v.Loop.Core.Inspect;
        var digests = core is null || core.LastProcessedZxid == 0
            ? []
            : new List<object> { new Dictionary<string, object?> { ["zxid"] = core.LastProcessedZxid, ["digest"] = core.GetStats().Digest } };
        return new() { ["digests"] = digests };
    }

    private static Dictionary<string, object?> Pairs(IEnumerable<KeyValuePair<string, object>> values, Func<string, string> key) =>
        values.ToDictionary(p => key(p.Key), p => (object?)p.Value);

    /// <summary>clientPort becomes client_port, as ZooKeeperServerConf's JSON keys.</summary>
    private static string SnakeCase(string key) =>
        string.Concat(key.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
