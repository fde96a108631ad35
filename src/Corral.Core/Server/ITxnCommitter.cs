namespace Corral.Core.Server;

/// <summary>
/// The commit step of the write pipeline (prepare -> commit -> apply -> notify -> reply). The core
/// hands every prepared transaction here, in zxid order, already serialized with
/// <see cref="Txns.TxnCodec"/>. A committer that makes it durable (the transaction log) or agreed
/// (Zab) returns false and later, on the core's loop, calls <see cref="ServerCore.OnCommitted"/>
/// with the highest zxid that is now committed; transactions are then applied in zxid order.
/// </summary>
public interface ITxnCommitter
{
    /// <summary>Takes a prepared transaction. Returns true if it is committed already (nothing to wait for).</summary>
    /// <param name="txn">The serialized transaction; only valid during the call, copy it to keep it.</param>
    bool Propose(long zxid, ReadOnlySpan<byte> txn);
}

/// <summary>Standalone, in memory: every transaction is committed as soon as it is prepared.</summary>
public sealed class InMemoryCommitter : ITxnCommitter
{
    public static readonly InMemoryCommitter Instance = new();
    public bool Propose(long zxid, ReadOnlySpan<byte> txn) => true;
}
