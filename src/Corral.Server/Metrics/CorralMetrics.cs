using System.Diagnostics.Metrics;
using Corral.Protocol;

namespace Corral.Server.Metrics;

/// <summary>
/// The server's System.Diagnostics.Metrics instruments. One meter per server instance (several
/// servers may share a test process; each exporter listens to its own). Counters and histograms
/// are recorded where the event happens; the gauges read <see cref="Gauges"/>, a snapshot the
/// processing loop refreshes just before each scrape (core state may only be read on the loop).
/// </summary>
public sealed class CorralMetrics : IDisposable
{
    public const string MeterName = "Corral.Server";

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _costlyCommandsRefused;

    public CorralMetrics()
    {
        _requestDuration = _meter.CreateHistogram<double>("corral.request.duration", "s",
            "Time from reading a request to queuing its reply, per operation");
        _requests = _meter.CreateCounter<long>("corral.requests", "{request}", "Requests answered, per operation");
        _bytesReceived = _meter.CreateCounter<long>("corral.network.received", "By", "Bytes of client frames received");
        _bytesSent = _meter.CreateCounter<long>("corral.network.sent", "By", "Bytes of client frames queued for sending");
        _costlyCommandsRefused = _meter.CreateCounter<long>("corral.fourletterwords.ratelimited", "{command}",
            "Costly four-letter words refused by 4lw.costlyCommandsPerSecond");
        _meter.CreateObservableGauge("corral.connections", () => Gauges.Connections, "{connection}", "Open client connections");
        _meter.CreateObservableGauge("corral.requests.outstanding", () => Gauges.Outstanding, "{request}",
            "Requests received and not yet answered");
        _meter.CreateObservableGauge("corral.znodes", () => Gauges.Znodes, "{znode}", "Nodes in the tree");
        _meter.CreateObservableGauge("corral.watches", () => Gauges.Watches, "{watch}", "Registered (path, connection) watches");
        _meter.CreateObservableGauge("corral.ephemerals", () => Gauges.Ephemerals, "{znode}", "Ephemeral nodes");
        _meter.CreateObservableGauge("corral.sessions", () => Gauges.Sessions, "{session}", "Live sessions");
        _meter.CreateObservableGauge("corral.data.size", () => Gauges.ApproximateDataSize, "By", "Approximate bytes of paths and data");
        _meter.CreateObservableCounter("corral.quota.soft.exceeded", () => Gauges.QuotaSoftExceeded, "{write}",
            "Writes that went over a soft quota (allowed, logged)");
        _meter.CreateObservableCounter("corral.quota.hard.rejected", () => Gauges.QuotaHardRejected, "{write}",
            "Writes refused with QUOTAEXCEEDED (enforceQuota=true)");
    }

    public Meter Meter => _meter;

    /// <summary>The latest values for the observable gauges (replaced as a whole, so readers see one consistent set).</summary>
    public GaugeValues Gauges { get; set; } = new(0, 0, 0, 0, 0, 0, 0);

    public void RecordRequest(OpCode op, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("op", OpName(op));
        _requestDuration.Record(elapsed.TotalSeconds, tag);
        _requests.Add(1, tag);
    }

    public void RecordReceived(int bytes) => _bytesReceived.Add(bytes);
    public void RecordSent(int bytes) => _bytesSent.Add(bytes);
    public void RecordCostlyCommandRefused(string word) => _costlyCommandsRefused.Add(1, new KeyValuePair<string, object?>("command", word));

    /// <summary>Lower-case operation names for the "op" label (ZooKeeper's OpCode names), computed once: this runs per request.</summary>
    public static string OpName(OpCode op) => OpNames.TryGetValue(op, out var name) ? name : ((int)op).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly Dictionary<OpCode, string> OpNames = Enum.GetValues<OpCode>().ToDictionary(op => op, NameOf);

    private static string NameOf(OpCode op) => op switch
    {
        OpCode.CreateSession => "createSession",
        OpCode.CloseSession => "closeSession",
        OpCode.GetAcl => "getACL",
        OpCode.SetAcl => "setACL",
        OpCode.CreateTtl => "createTTL",
        _ => char.ToLowerInvariant(op.ToString()[0]) + op.ToString()[1..],
    };

    public void Dispose() => _meter.Dispose();
}

/// <summary>Core figures copied on the processing loop for the gauges.</summary>
public sealed record GaugeValues(long Connections, long Outstanding, long Znodes, long Watches, long Ephemerals, long Sessions,
    long ApproximateDataSize, long QuotaSoftExceeded = 0, long QuotaHardRejected = 0);
