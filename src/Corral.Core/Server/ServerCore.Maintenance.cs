using Corral.Core.Processing;
using Corral.Core.Tree;
using Corral.Core.Txns;

namespace Corral.Core.Server;

public sealed partial class ServerCore
{
    private long _nextReapAtMs;

    /// <summary>
    /// Called periodically by the host (every tick or more often). Expires sessions whose deadline has
    /// passed (each through a CloseSession transaction) and, every ContainerCheckIntervalMs, deletes
    /// empty containers that once had a child and TTL nodes idle for longer than their TTL.
    /// </summary>
    public void Tick()
    {
        long now = NowMs;
        foreach (long sessionId in _sessions.PopExpired(now))
        {
            var ctx = new PrepContext(sessionId, [], _lastPreparedZxid + 1, now);
            SubmitWrite(null, null, sessionId, 0, now, _preparer.CloseSession(ctx));
        }
        if (now >= _nextReapAtMs)
        {
            _nextReapAtMs = now + _options.ContainerCheckIntervalMs;
            Reap(now);
        }
    }

    private void Reap(long now)
    {
        var candidates = new List<string>();
        foreach (var path in _tree.Containers)
            if (_tree.Find(path) is { ChildCount: 0, ChildCreations: > 0 }) candidates.Add(path);
        foreach (var path in _tree.TtlNodes)
            if (_tree.Find(path) is { ChildCount: 0 } node && now - node.Mtime > DataTree.TtlOf(_tree.RawOwner(node)))
                candidates.Add(path);
        candidates.Sort(StringComparer.Ordinal);
        foreach (var path in candidates)
        {
            var ctx = new PrepContext(0, [], _lastPreparedZxid + 1, now);
            if (_preparer.DeleteContainer(ctx, path, out var txn) == Protocol.ErrorCode.Ok)
                SubmitWrite(null, null, 0, 0, now, txn!);
        }
    }

    /// <summary>Writes the whole replicated state (tree, ACLs, sessions, ephemerals, last zxid, digest).
    /// Take it between transactions: it reflects exactly <see cref="LastProcessedZxid"/>.</summary>
    public void WriteSnapshot(Stream output) => _tree.WriteSnapshot(output);

    /// <summary>Replaces the state with a snapshot (at startup, before any connection). Sessions restart their timeouts now.</summary>
    public void LoadSnapshot(Stream input)
    {
        if (_uncommitted.Count > 0 || _connections.Count > 0)
            throw new InvalidOperationException("a snapshot can only be loaded into an idle core");
        _tree.LoadSnapshot(input);
        _pending.Clear();
        foreach (var (id, record) in _tree.Sessions) _sessions.Add(id, record.TimeoutMs, NowMs);
        _lastPreparedZxid = _committedZxid = _tree.LastProcessedZxid;
    }

    /// <summary>
    /// Applies a transaction committed elsewhere (log replay at startup), firing its watches. It
    /// uses <see cref="DataTree.Replay"/>: the loaded snapshot may be fuzzy, already holding some
    /// effects of the transactions replayed over it.
    /// </summary>
    public void ApplyCommitted(ReadOnlySpan<byte> serializedTxn)
    {
        if (_uncommitted.Count > 0)
            throw new InvalidOperationException("cannot apply external transactions while local ones are pending");
        var (header, txn) = TxnCodec.Deserialize(serializedTxn);
        ApplyCommitted(header, txn);
    }

    private void ApplyCommitted(in TxnHeader header, Txn txn)
    {
        ApplyAndNotify(header, txn, null, null, replay: true);
        if (header.Zxid > _lastPreparedZxid) _lastPreparedZxid = header.Zxid;
        if (header.Zxid > _committedZxid) _committedZxid = header.Zxid;
    }

    /// <summary>As <see cref="ApplyCommitted(ReadOnlySpan{byte})"/>, checking the log's zxid against the transaction's own.</summary>
    public void ApplyCommitted(long zxid, ReadOnlySpan<byte> serializedTxn)
    {
        if (_uncommitted.Count > 0)
            throw new InvalidOperationException("cannot apply external transactions while local ones are pending");
        var (header, txn) = TxnCodec.Deserialize(serializedTxn); // once: replay of 100k records spends real time here
        if (header.Zxid != zxid) throw new InvalidDataException($"log entry {zxid:x} holds transaction {header.Zxid:x}");
        ApplyCommitted(header, txn);
    }

    /// <summary>
    /// Raises the zxid counter (e.g. to a new Zab epoch: epoch &lt;&lt; 32). The next transaction gets
    /// <paramref name="zxid"/> + 1. Lowering it is refused.
    /// </summary>
    public void AdvanceZxid(long zxid)
    {
        if (zxid < _lastPreparedZxid) throw new ArgumentOutOfRangeException(nameof(zxid), "zxids only move forward");
        _lastPreparedZxid = zxid;
    }

    public CoreStats GetStats() => new(
        NodeCount: _tree.NodeCount,
        ApproximateDataSize: _tree.ApproximateDataSize,
        WatchCount: _watches.WatchCount,
        WatchedPathCount: _watches.WatchedPathCount,
        WatcherCount: _watches.WatcherCount,
        EphemeralCount: _tree.EphemeralCount,
        SessionCount: _sessions.Count,
        ConnectionCount: _connections.Count,
        OutstandingRequests: _connections.Sum(c => c.Queue.Count),
        PendingTransactions: _uncommitted.Count,
        PacketsReceived: _packetsReceived,
        PacketsSent: _packetsSent,
        MinLatencyMs: _latencyCount == 0 ? 0 : _latencyMinMs,
        AvgLatencyMs: _latencyCount == 0 ? 0 : (double)_latencyTotalMs / _latencyCount,
        MaxLatencyMs: _latencyMaxMs,
        LastProcessedZxid: _tree.LastProcessedZxid,
        Digest: _tree.Digest);
}
