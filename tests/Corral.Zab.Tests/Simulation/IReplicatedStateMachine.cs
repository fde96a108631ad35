using Corral.Protocol;

namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// The replicated state the simulated ensemble drives through the Zab commit path. Committed txn
/// payloads are applied in zxid order on every replica; replicas at the same zxid must have equal digests.
/// </summary>
public interface IReplicatedStateMachine
{
    long LastZxid { get; }
    /// <summary>Applies one committed txn and returns what the submitting client is told.</summary>
    SimResult Apply(long zxid, byte[] payload);
    /// <summary>A digest of the whole state, equal on replicas that applied the same txns.</summary>
    ulong Digest();
    byte[] Snapshot();
    void Restore(long zxid, byte[] snapshot);
    /// <summary>Read a node, as a client read served by this replica.</summary>
    ReadResult Read(string path);
}

/// <summary>What a client is told about a write: the code (a multi's first failure), the created path for a create, the new version for a setData.</summary>
public readonly record struct SimResult(ErrorCode Code, string? Path = null, int Version = 0);
public readonly record struct ReadResult(bool Exists, string? Value, int Version);
