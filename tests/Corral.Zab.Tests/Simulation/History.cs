namespace Corral.Zab.Tests.Simulation;

/// <summary>What became of one client write.</summary>
public enum WriteOutcome { Pending, Acked, Unknown }

/// <summary>One client write: the request, when it was invoked, and, if answered, the result and zxid.</summary>
public sealed class WriteRecord(int clientId, SimRequest request, long invokedAt)
{
    public int ClientId { get; } = clientId;
    public SimRequest Request { get; } = request;
    public long InvokedAt { get; } = invokedAt;
    public WriteOutcome Outcome { get; set; } = WriteOutcome.Pending;
    public long ReturnedAt { get; set; }
    public SimResult Result { get; set; }
    public long Zxid { get; set; }
}

/// <summary>One client read, with the zxid of the replica state it observed and the session's guarantees at that moment.</summary>
public sealed record ReadRecord(int ClientId, long SessionId, string Path, ReadResult Result, long Zxid, long At,
    long LastZxidSeenBefore, long LastAckedWriteZxidBefore, int ServerId);
