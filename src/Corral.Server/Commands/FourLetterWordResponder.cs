using Corral.Server.Metrics;
using Corral.Server.Network;

namespace Corral.Server.Commands;

/// <summary>
/// Answers the four-letter words in Apache ZooKeeper's exact layouts, after the whitelist and the
/// costly-command rate limit. The text is built on the processing loop, where the core's state and
/// the per-connection counters may be read.
/// </summary>
public sealed class FourLetterWordResponder(ServerView view, IReadOnlySet<string> whitelist, CostlyCommandLimiter limiter,
    CorralMetrics? metrics = null)
{
    /// <summary>The text to send for <paramref name="word"/>, asked on connection <paramref name="asker"/>.</summary>
    public Task<string> RespondAsync(string word, ClientConnection asker)
    {
        if (!whitelist.Contains(word)) return Task.FromResult(FourLetterWordPolicy.Refusal(word));
        if (!limiter.TryAcquire(word))
        {
            metrics?.RecordCostlyCommandRefused(word);
            return Task.FromResult(limiter.Refusal(word));
        }
        return view.Loop.InvokeAsync(() =>
        {
            // ZooKeeper counts the command itself as a received packet before answering.
            asker.PacketsReceived++;
            view.Loop.Statistics.PacketsReceived++;
            string text = Run(view, word);
            asker.PacketsSent++;
            view.Loop.Statistics.PacketsSent++;
            return text;
        });
    }

    /// <summary>Loop only: the answer to a word that has passed the whitelist.</summary>
    public static string Run(ServerView view, string word) => word switch
    {
        "ruok" => "imok",
        "isro" => "rw",
        "srvr" => StatText.Server(view, includeClients: false),
        "stat" => StatText.Server(view, includeClients: true),
        "mntr" => StatText.Monitor(view),
        "conf" => EnvironmentText.Configuration(view),
        "envi" => EnvironmentText.EnvironmentReport(),
        "dirs" => EnvironmentText.Directories(view),
        "cons" => ConnectionText.Connections(view),
        "crst" => ResetConnections(view),
        "srst" => ResetServer(view),
        "dump" => SessionText.Dump(view),
        "wchs" => WatchText.Summary(view),
        "wchc" => WatchText.BySession(view),
        "wchp" => WatchText.ByPath(view),
        "hash" => Digest(view),
        _ => FourLetterWordPolicy.Refusal(word),
    };

    /// <summary>crst: per-connection counters and latencies back to zero.</summary>
    public static string ResetConnections(ServerView view)
    {
        foreach (var c in view.Connections.Snapshot()) c.ResetStatistics();
        return "Connection stats reset.\n";
    }

    /// <summary>srst: server-wide latency, packet and response-size figures back to zero.</summary>
    public static string ResetServer(ServerView view)
    {
        view.Loop.Statistics.Reset();
        return "Server stats reset.\n";
    }

    /// <summary>
    /// hash: "zxid: digest" lines. ZooKeeper prints its periodic digest log; Corral keeps only the
    /// current tree digest, so it prints one line for the last applied zxid (nothing before the first write).
    /// </summary>
    public static string Digest(ServerView view)
    {
        var core = view.Loop.Core.Inspect;
        if (core is null || core.LastProcessedZxid == 0) return "";
        return $"{ConnectionText.Hex(core.LastProcessedZxid)}: {core.GetStats().Digest}\n";
    }
}
