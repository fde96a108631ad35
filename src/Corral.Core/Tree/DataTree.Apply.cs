using System.Text;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tree;

public sealed partial class DataTree
{
    /// <summary>
    /// Applies one committed transaction (live: the preparer validated it against this very tree).
    /// Watch triggers are appended to <paramref name="triggers"/> in the order they must fire.
    /// </summary>
    public TxnResult Apply(in TxnHeader header, Txn txn, List<WatchTrigger>? triggers = null)
    {
        var result = ApplyOne(header, txn, triggers);
        if (header.Zxid > LastProcessedZxid) LastProcessedZxid = header.Zxid;
        return result;
    }

    /// <summary>
    /// Applies a logged transaction during recovery, over a fuzzy snapshot that may already hold its
    /// effects (or the effects of later transactions). Transactions the snapshot makes impossible are
    /// skipped, but their share of the parent's counters is still applied, so replay converges to the
    /// live tree in every field (docs/storage.md, "Fuzzy snapshots and idempotent replay"):
    /// <list type="bullet">
    /// <item>a create that finds the node raises the parent's pzxid to the txn's zxid and its
    /// child-creation counter (cversion, sequence counter) to the txn's, never lowering either
    /// (ZooKeeper's setCversionPzxid on NODEEXISTS during replay, ZOOKEEPER-1046);</item>
    /// <item>a delete (or closeSession's delete of an ephemeral) that finds no node raises the parent's
    /// pzxid to the txn's zxid (ZOOKEEPER-3145);</item>
    /// <item>a node created after the txn's zxid is a later incarnation of its path: the txn addressed an
    /// earlier one, so a delete, setData, setACL or a create under it (or a parent catch-up above)
    /// leaves it alone, as if the node were missing.</item>
    /// </list>
    /// Live application never uses these rules: there a failing transaction changes nothing.
    /// </summary>
    public TxnResult Replay(in TxnHeader header, Txn txn, List<WatchTrigger>? triggers = null)
    {
        _replaying = true;
        try
        {
            return Apply(header, txn, triggers);
        }
        finally
        {
            _replaying = false;
        }
    }

    private bool _replaying;

    /// <summary>During replay, the node at a path the txn at <paramref name="zxid"/> addressed, unless it is a later incarnation.</summary>
    private ZNode? FindForTxn(string path, long zxid) =>
        Find(path) is { } node && (!_replaying || node.Czxid <= zxid) ? node : null;

    /// <summary>
    /// Replay only: the parent's share of a create or delete the snapshot already reflects (or made
    /// moot): pzxid and the child-creation counter only move forward.
    /// </summary>
    private void CatchUpParent(string parentPath, long zxid, int childCreations)
    {
        if (!_replaying || FindForTxn(parentPath, zxid) is not { } parent) return;
        if (parent.Pzxid >= zxid && parent.ChildCreations >= childCreations) return;
        long before = TreeDigest.NodeHash(parentPath, parent, RawOwner(parent));
        if (zxid > parent.Pzxid) parent.Pzxid = zxid;
        if (childCreations > parent.ChildCreations) parent.ChildCreations = childCreations;
        Digest += TreeDigest.NodeHash(parentPath, parent, RawOwner(parent)) - before;
    }

    private TxnResult ApplyOne(in TxnHeader h, Txn txn, List<WatchTrigger>? triggers)
    {
        switch (txn)
        {
            case CreateTxn c: return Create(h, c, c.EphemeralOwner, triggers);
            case CreateContainerTxn c: return Create(h, c, ContainerOwner, triggers);
            case CreateTtlTxn c: return Create(h, c, TtlOwner(c.Ttl), triggers);
            case DeleteTxn d: return Delete(h.Zxid, d.Type, d.Path, triggers);
            case DeleteContainerTxn d: return Delete(h.Zxid, d.Type, d.Path, triggers);
            case SetDataTxn s: return SetData(h, s, triggers);
            case SetAclTxn s: return SetAcl(h.Zxid, s);
            case CheckVersionTxn c: return new TxnResult(c.Type, ErrorCode.Ok, c.Path);
            case ErrorTxn e: return new TxnResult(TxnType.Error, e.Error);
            case CreateSessionTxn s:
                _sessions[h.SessionId] = new SessionRecord(s.TimeoutMs, s.Password);
                return new TxnResult(s.Type, ErrorCode.Ok);
            case CloseSessionTxn c: return CloseSession(h.Zxid, h.SessionId, c, triggers);
            case MultiTxn m:
            {
                var results = new List<TxnResult>(m.Txns.Count);
                foreach (var sub in m.Txns) results.Add(ApplyOne(h, sub, triggers));
                return new TxnResult(TxnType.Multi, ErrorCode.Ok, MultiResults: results);
            }
            default: throw new ArgumentException($"unknown transaction {txn.GetType().Name}");
        }
    }

    private TxnResult Create(in TxnHeader h, CreateTxnBase c, long rawOwner, List<WatchTrigger>? triggers)
    {
        string parentPath = ZPath.Parent(c.Path);
        var parentNode = FindForTxn(parentPath, h.Zxid);
        if (parentNode is null) return new TxnResult(c.Type, ErrorCode.NoNode);
        var parent = AsParent(parentPath, parentNode);
        var name = Encoding.UTF8.GetBytes(ZPath.ChildName(c.Path));
        long parentHashBefore = TreeDigest.NodeHash(parentPath, parent, RawOwner(parent));
        if (parent.Children?.Find(name) is not null)
        {
            CatchUpParent(parentPath, h.Zxid, c.ParentChildCreations);
            return new TxnResult(c.Type, ErrorCode.NodeExists);
        }
        var node = new ZNode(name, c.Data, c.Data is null, h.Zxid, h.Time) { AclIndex = Acls.AddRef(c.Acl) };
        parent.EnsureChildren().Add(node);
        parent.ChildCreations = c.ParentChildCreations;
        parent.Pzxid = h.Zxid;
        if (rawOwner != 0) TrackOwner(node, c.Path, rawOwner);
        NodeCount++;
        ApproximateDataSize += c.Path.Length + (c.Data?.Length ?? 0);
        Digest += TreeDigest.NodeHash(parentPath, parent, RawOwner(parent)) - parentHashBefore
                  + TreeDigest.NodeHash(c.Path, node, rawOwner);
        OnQuotaCreated(c.Path, parentPath, node.Name, node.DataLength);
        triggers?.Add(new WatchTrigger(c.Path, EventType.NodeCreated, GetAcl(node)));
        triggers?.Add(new WatchTrigger(parentPath, EventType.NodeChildrenChanged, GetAcl(parent)));
        return new TxnResult(c.Type, ErrorCode.Ok, c.Path, GetStat(node));
    }

    private void TrackOwner(ZNode node, string path, long rawOwner)
    {
        node.RawOwner = rawOwner;
        if (rawOwner == ContainerOwner) _containers.Add(path);
        else if (IsTtlOwner(rawOwner)) _ttls.Add(path);
        else
        {
            if (!_ephemerals.TryGetValue(rawOwner, out var set)) _ephemerals[rawOwner] = set = new(StringComparer.Ordinal);
            set.Add(path);
        }
    }

    private void UntrackOwner(ZNode node, string path)
    {
        long raw = node.RawOwner;
        if (raw == 0) return;
        node.RawOwner = 0;
        if (raw == ContainerOwner) _containers.Remove(path);
        else if (IsTtlOwner(raw)) _ttls.Remove(path);
        else if (_ephemerals.TryGetValue(raw, out var set))
        {
            set.Remove(path);
            if (set.Count == 0) _ephemerals.Remove(raw);
        }
    }

    private TxnResult Delete(long zxid, TxnType type, string path, List<WatchTrigger>? triggers)
    {
        if (path == "/") return new TxnResult(type, ErrorCode.BadArguments);
        string parentPath = ZPath.Parent(path);
        var node = FindForTxn(path, zxid);
        if (node is null)
        {
            CatchUpParent(parentPath, zxid, 0);
            return new TxnResult(type, ErrorCode.NoNode);
        }
        if (node.ChildCount > 0) return new TxnResult(type, ErrorCode.NotEmpty);
        var parent = (ZParentNode)Find(parentPath)!;
        long rawOwner = RawOwner(node);
        Digest -= TreeDigest.NodeHash(path, node, rawOwner) + TreeDigest.NodeHash(parentPath, parent, RawOwner(parent));
        parent.Children!.Remove(node.NameBytes);
        parent.TrimChildren();
        parent.Pzxid = zxid;
        Digest += TreeDigest.NodeHash(parentPath, parent, RawOwner(parent));
        UntrackOwner(node, path);
        var acl = GetAcl(node);
        Acls.Release(node.AclIndex);
        NodeCount--;
        ApproximateDataSize -= path.Length + node.DataLength;
        OnQuotaDeleted(path, parentPath, node.Name, node.DataLength);
        triggers?.Add(new WatchTrigger(path, EventType.NodeDeleted, acl));
        triggers?.Add(new WatchTrigger(parentPath, EventType.NodeChildrenChanged, GetAcl(parent)));
        return new TxnResult(type, ErrorCode.Ok, path);
    }

    private TxnResult SetData(in TxnHeader h, SetDataTxn s, List<WatchTrigger>? triggers)
    {
        var node = FindForTxn(s.Path, h.Zxid);
        if (node is null) return new TxnResult(s.Type, ErrorCode.NoNode);
        long raw = RawOwner(node);
        Digest -= TreeDigest.NodeHash(s.Path, node, raw);
        int oldLength = node.DataLength;
        ApproximateDataSize += (s.Data?.Length ?? 0) - node.DataLength;
        node.SetData(s.Data, s.Data is null, s.Version, h.Zxid, h.Time);
        Digest += TreeDigest.NodeHash(s.Path, node, raw);
        OnQuotaDataChanged(s.Path, oldLength, node.DataLength);
        triggers?.Add(new WatchTrigger(s.Path, EventType.NodeDataChanged, GetAcl(node)));
        return new TxnResult(s.Type, ErrorCode.Ok, s.Path, GetStat(node));
    }

    private TxnResult SetAcl(long zxid, SetAclTxn s)
    {
        var node = FindForTxn(s.Path, zxid);
        if (node is null) return new TxnResult(s.Type, ErrorCode.NoNode);
        long raw = RawOwner(node);
        Digest -= TreeDigest.NodeHash(s.Path, node, raw);
        int fresh = Acls.AddRef(s.Acl);
        Acls.Release(node.AclIndex);
        node.AclIndex = fresh;
        node.Aversion = s.Aversion;
        Digest += TreeDigest.NodeHash(s.Path, node, raw);
        return new TxnResult(s.Type, ErrorCode.Ok, s.Path, GetStat(node));
    }

    private TxnResult CloseSession(long zxid, long sessionId, CloseSessionTxn c, List<WatchTrigger>? triggers)
    {
        foreach (var path in c.EphemeralPaths)
        {
            if (FindForTxn(path, zxid) is { } n && RawOwner(n) == sessionId) Delete(zxid, TxnType.Delete, path, triggers);
            else CatchUpParent(ZPath.Parent(path), zxid, 0); // replay: the snapshot already lost it
        }
        // Anything the prepared list missed (it cannot, in one process; a replica may differ in
        // timing) is removed too, in a deterministic order.
        if (_ephemerals.TryGetValue(sessionId, out var rest))
            foreach (var path in rest.Order(StringComparer.Ordinal).ToList()) Delete(zxid, TxnType.Delete, path, triggers);
        _sessions.Remove(sessionId);
        return new TxnResult(c.Type, ErrorCode.Ok);
    }
}
