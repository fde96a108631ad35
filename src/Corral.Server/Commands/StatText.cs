using System.Globalization;
using System.Text;

namespace Corral.Server.Commands;

/// <summary>srvr, stat and mntr in Apache ZooKeeper's exact layout (StatCommand, MonitorCommand). Loop only.</summary>
public static class StatText
{
    public static string Server(ServerView view, bool includeClients)
    {
        var stats = view.Loop.Statistics;
        var core = view.Loop.Core.GetStatistics();
        var sb = new StringBuilder();
        sb.Append("Zookeeper version: ").Append(ServerVersion.Full).Append('\n');
        if (includeClients)
        {
            sb.Append("Clients:\n");
            foreach (var c in view.Connections.Snapshot()) ConnectionText.AppendBrief(sb, c).Append('\n');
            sb.Append('\n');
        }
        sb.Append("Latency min/avg/max: ").Append(stats.MinLatencyMs).Append('/')
          .Append(JavaDouble(stats.AverageLatencyMs)).Append('/').Append(stats.MaxLatencyMs).Append('\n');
        sb.Append("Received: ").Append(stats.PacketsReceived).Append('\n');
        sb.Append("Sent: ").Append(stats.PacketsSent).Append('\n');
        sb.Append("Connections: ").Append(view.Connections.Count).Append('\n');
        sb.Append("Outstanding: ").Append(view.Outstanding()).Append('\n');
        sb.Append("Zxid: 0x").Append(core.LastProcessedZxid.ToString("x", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Mode: ").Append(core.ServerState).Append('\n');
        sb.Append("Node count: ").Append(core.NodeCount).Append('\n');
        return sb.ToString();
    }

    /// <summary>mntr's key/value pairs, in ZooKeeper 3.8's order for the keys both have.</summary>
    public static IReadOnlyList<KeyValuePair<string, object>> MonitorValues(ServerView view)
    {
        var stats = view.Loop.Statistics;
        var core = view.Loop.Core.GetStatistics();
        var values = new List<KeyValuePair<string, object>>();
        void Add(string key, object value) => values.Add(new(key, value));
        Add("version", ServerVersion.Full);
        Add("server_state", core.ServerState);
        Add("ephemerals_count", core.EphemeralCount);
        Add("num_alive_connections", view.Connections.Count);
        Add("avg_latency", stats.AverageLatencyMs);
        Add("outstanding_requests", view.Outstanding());
        Add("znode_count", core.NodeCount);
        Add("global_sessions", core.SessionCount);
        Add("local_sessions", 0);
        Add("last_client_response_size", stats.LastResponseSize);
        Add("packets_sent", stats.PacketsSent);
        Add("packets_received", stats.PacketsReceived);
        Add("max_client_response_size", stats.MaxResponseSize);
        Add("min_client_response_size", stats.MinResponseSize);
        Add("watch_count", core.WatchCount);
        Add("min_latency", stats.MinLatencyMs);
        Add("max_latency", stats.MaxLatencyMs);
        if (core.ApproximateDataSize is { } size) Add("approximate_data_size", size);
        Add("uptime", (long)stats.Uptime.TotalMilliseconds);
        if (OpenFileDescriptorCount() is { } fds) Add("open_file_descriptor_count", fds);
        return values;
    }

    public static string Monitor(ServerView view)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in MonitorValues(view))
        {
            string text = value is double d ? JavaDouble(d) : Convert.ToString(value, CultureInfo.InvariantCulture)!;
            sb.Append("zk_").Append(key).Append('\t').Append(text).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Formats like Java's Double.toString for the values latency averages take ("0.0", "1.25").</summary>
    internal static string JavaDouble(double value) => Math.Round(value, 4).ToString("0.0###", CultureInfo.InvariantCulture);

    /// <summary>Linux only, like ZooKeeper (it reports file descriptors only on Unix).</summary>
    private static int? OpenFileDescriptorCount()
    {
        try
        {
            return Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
