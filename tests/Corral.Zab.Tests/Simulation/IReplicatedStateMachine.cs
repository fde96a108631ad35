namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// The replicated state the simulated ensemble drives through the Zab commit path. Committed txn
/// payloads are applied in zxid order on every replica; replicas at the same zxid must have equal digests.
/// </summary>
public interface IReplicatedStateMachine
{
    long LastZxid { get; }
    /// <summary>Applies one committed txn and returns what the submitting client is told.</summary>
    TxnResult Apply(long zxid, byte[] payload);
    /// <summary>A digest of the whole state, equal on replicas that applied the same txns.</summary>
    ulong Digest();
    byte[] Snapshot();
    void Restore(long zxid, byte[] snapshot);
    /// <summary>Read a node, as a client read served by this replica.</summary>
    ReadResult Read(string path);
}

public readonly record struct TxnResult(SimError Code, string? Path, int Version);
public readonly record struct ReadResult(bool Exists, string? Value, int Version);

public enum SimError { Ok = 0, NoNode = -101, BadVersion = -103, NodeExists = -110, NotEmpty = -111, SessionExpired = -112 }
