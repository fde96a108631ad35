using System.Diagnostics.Metrics;

namespace Corral.Client.Internal;

/// <summary>The client's System.Diagnostics.Metrics instruments (meter "Corral.Client").</summary>
internal static class ClientMetrics
{
    public const string MeterName = "Corral.Client";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("corral.client.requests", description: "Requests sent to a server");
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("corral.client.errors", description: "Replies with a non-zero error code");
    public static readonly Counter<long> Connects = Meter.CreateCounter<long>("corral.client.connects", description: "Successful connection handshakes, first connect included");
    public static readonly Counter<long> ConnectionLosses = Meter.CreateCounter<long>("corral.client.connection_losses", description: "Connections that broke");
    public static readonly Counter<long> WatchEvents = Meter.CreateCounter<long>("corral.client.watch_events", description: "Notifications received");
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("corral.client.request.duration", unit: "ms", description: "Time from write to reply");
}
