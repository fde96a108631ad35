namespace Corral.Core.Server;

/// <summary>A point-in-time copy of the numbers monitoring needs (srvr, stat, mntr, wchs).</summary>
public sealed record CoreStats(
    int NodeCount,
    long ApproximateDataSize,
    int WatchCount,
    int WatchedPathCount,
    int WatcherCount,
    int EphemeralCount,
    int SessionCount,
    int ConnectionCount,
    int OutstandingRequests,
    int PendingTransactions,
    long PacketsReceived,
    long PacketsSent,
    long MinLatencyMs,
    double AvgLatencyMs,
    long MaxLatencyMs,
    long LastProcessedZxid,
    long Digest);
