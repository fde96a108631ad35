namespace Corral.Server.Processing;

/// <summary>
/// Server-wide counters reported by srvr/stat/mntr: packets, request latency and response sizes.
/// Touched only by the processing loop, so plain fields suffice.
/// </summary>
public sealed class ServerStatistics(TimeProvider time)
{
    private readonly long _startedTimestamp = time.GetTimestamp();

    public long PacketsReceived { get; set; }
    public long PacketsSent { get; set; }
    public long MinLatencyMs { get; private set; }
    public long MaxLatencyMs { get; private set; }
    public long LatencyCount { get; private set; }
    public long LatencyTotalMs { get; private set; }
    public int LastResponseSize { get; private set; } = -1;
    public int MinResponseSize { get; private set; } = -1;
    public int MaxResponseSize { get; private set; } = -1;

    public double AverageLatencyMs => LatencyCount == 0 ? 0 : (double)LatencyTotalMs / LatencyCount;
    public TimeSpan Uptime => time.GetElapsedTime(_startedTimestamp);

    /// <summary>srst: latency, packet counts and response sizes back to their initial values (uptime stays).</summary>
    public void Reset()
    {
        PacketsReceived = 0;
        PacketsSent = 0;
        MinLatencyMs = 0;
        MaxLatencyMs = 0;
        LatencyCount = 0;
        LatencyTotalMs = 0;
        LastResponseSize = -1;
        MinResponseSize = -1;
        MaxResponseSize = -1;
    }

    public void RecordLatency(TimeSpan elapsed)
    {
        long ms = (long)elapsed.TotalMilliseconds;
        MinLatencyMs = LatencyCount == 0 ? ms : Math.Min(MinLatencyMs, ms);
        MaxLatencyMs = Math.Max(MaxLatencyMs, ms);
        LatencyTotalMs += ms;
        LatencyCount++;
    }

    public void RecordResponseSize(int bytes)
    {
        LastResponseSize = bytes;
        MinResponseSize = MinResponseSize < 0 ? bytes : Math.Min(MinResponseSize, bytes);
        MaxResponseSize = Math.Max(MaxResponseSize, bytes);
    }
}
