using System.Globalization;
using System.Text;
using Corral.Server.Network;
using Corral.Server.Processing;

namespace Corral.Server.Commands;

/// <summary>
/// Builds the plain-text answers to the four-letter words, in Apache ZooKeeper's exact layout
/// (FourLetterCommands / StatCommand / MonitorCommand). Runs on the processing loop, where the core's
/// state and the per-connection counters may be read.
/// </summary>
public sealed class FourLetterWordResponder(CoreLoop loop, ConnectionRegistry connections, IReadOnlySet<string> whitelist)
{
    /// <summary>The text to send for <paramref name="word"/>, asked on connection <paramref name="asker"/>.</summary>
    public Task<string> RespondAsync(string word, ClientConnection asker)
    {
        if (!whitelist.Contains(word)) return Task.FromResult(FourLetterWordPolicy.Refusal(word));
        return loop.InvokeAsync(() =>
        {
            // ZooKeeper counts the command itself as a received packet before answering.
            asker.PacketsReceived++;
            loop.Statistics.PacketsReceived++;
            string text = word switch
            {
                "ruok" => "imok",
                "isro" => "rw",
                "srvr" => Server(includeClients: false, asker),
                "stat" => Server(includeClients: true, asker),
                "mntr" => Monitor(),
                _ => FourLetterWordPolicy.Refusal(word),
            };
            asker.PacketsSent++;
            loop.Statistics.PacketsSent++;
            return text;
        });
    }

    private string Server(bool includeClients, ClientConnection asker)
    {
        var stats = loop.Statistics;
        var core = loop.Core.GetStatistics();
        var sb = new StringBuilder();
        sb.Append("Zookeeper version: ").Append(ServerVersion.Full).Append('\n');
        if (includeClients)
        {
            sb.Append("Clients:\n");
            foreach (var c in connections.Snapshot())
            {
                // Interest ops as NIO shows them: 1 (read) for a client connection, 0 for a command connection or one closing.
                bool reading = !c.IsCommand && !c.Output.CloseRequested;
                sb.Append(" /").Append(c.RemoteAddress)
                  .Append('[').Append(reading ? '1' : '0').Append("](queued=").Append(c.Outstanding)
                  .Append(",recved=").Append(c.PacketsReceived)
                  .Append(",sent=").Append(c.PacketsSent).Append(")\n");
            }
            sb.Append('\n');
        }
        sb.Append("Latency min/avg/max: ").Append(stats.MinLatencyMs).Append('/')
          .Append(JavaDouble(stats.AverageLatencyMs)).Append('/').Append(stats.MaxLatencyMs).Append('\n');
        sb.Append("Received: ").Append(stats.PacketsReceived).Append('\n');
        sb.Append("Sent: ").Append(stats.PacketsSent).Append('\n');
        sb.Append("Connections: ").Append(connections.Count).Append('\n');
        sb.Append("Outstanding: ").Append(Outstanding()).Append('\n');
        sb.Append("Zxid: 0x").Append(core.LastProcessedZxid.ToString("x", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Mode: ").Append(core.ServerState).Append('\n');
        sb.Append("Node count: ").Append(core.NodeCount).Append('\n');
        return sb.ToString();
    }

    private string Monitor()
    {
        var stats = loop.Statistics;
        var core = loop.Core.GetStatistics();
        var sb = new StringBuilder();
        void Line(string key, object value) =>
            sb.Append("zk_").Append(key).Append('\t').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');

        // Same leading keys, in the same order, as ZooKeeper 3.8's mntr.
        Line("version", ServerVersion.Full);
        Line("server_state", core.ServerState);
        Line("ephemerals_count", core.EphemeralCount);
        Line("num_alive_connections", connections.Count);
        Line("avg_latency", JavaDouble(stats.AverageLatencyMs));
        Line("outstanding_requests", Outstanding());
        Line("znode_count", core.NodeCount);
        Line("global_sessions", core.SessionCount);
        Line("local_sessions", 0);
        Line("last_client_response_size", stats.LastResponseSize);
        Line("packets_sent", stats.PacketsSent);
        Line("packets_received", stats.PacketsReceived);
        Line("max_client_response_size", stats.MaxResponseSize);
        Line("min_client_response_size", stats.MinResponseSize);
        Line("watch_count", core.WatchCount);
        Line("min_latency", stats.MinLatencyMs);
        Line("max_latency", stats.MaxLatencyMs);
        if (core.ApproximateDataSize is { } size) Line("approximate_data_size", size);
        Line("uptime", (long)stats.Uptime.TotalMilliseconds);
        if (OpenFileDescriptorCount() is { } fds) Line("open_file_descriptor_count", fds);
        return sb.ToString();
    }

    private long Outstanding()
    {
        long n = 0;
        foreach (var c in connections.Snapshot()) n += c.Outstanding;
        return n;
    }

    /// <summary>Formats like Java's Double.toString for the values latency averages take ("0.0", "1.25").</summary>
    internal static string JavaDouble(double value)
    {
        double rounded = Math.Round(value, 4);
        string s = rounded.ToString("0.0###", CultureInfo.InvariantCulture);
        return s;
    }

    /// <summary>Linux only, like ZooKeeper (it reports file descriptors only on Unix).</summary>
    private static int? OpenFileDescriptorCount()
    {
        try
        {
            return Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
