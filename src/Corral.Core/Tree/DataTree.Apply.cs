using System.Text;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tree;

public sealed partial class DataTree
{
    /// <summary>
    /// Applies one committed transaction. Idempotent enough for replaying a log over a fuzzy snapshot:
    /// creating an existing node or deleting a missing one changes nothing and reports the error.
    /// Watch triggers are appended to <paramref name="triggers"/> in the order they must fire.
    /// </summary>
    public TxnResult Apply(in TxnHeader header, Txn txn, List<WatchTrigger>? triggers = null)
    {
        var result = ApplyOne(header, txn, triggers);
        if (header.Zxid > LastProcessedZxid) LastProcessedZxid = header.Zxid;
        return result;
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
            case SetAclTxn s: return SetAcl(s);
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
        var parentNode = Find(parentPath);
        if (parentNode is null) return new TxnResult(c.Type, ErrorCode.NoNode);
        var parent = AsParent(parentPath, parentNode);
        var name = Encoding.UTF8.GetBytes(ZPath.ChildName(c.Path));
        long parentHashBefore = TreeDigest.NodeHash(parentPath, parent, RawOwner(parent));
        if (parent.Children?.Find(name) is not null)
        {
            // Replay over a fuzzy snapshot: the node is already there, but the parent's counter may lag.
            if (parent.ChildCreations < c.ParentChildCreations)
            {
                parent.ChildCreations = c.ParentChildCreations;
                parent.Pzxid = h.Zxid;
                Digest += TreeDigest.NodeHash(parentPath, parent, RawOwner(parent)) - parentHashBefore;
            }
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
        var node = Find(path);
        if (node is null) return new TxnResult(type, ErrorCode.NoNode);
        if (node.ChildCount > 0) return new TxnResult(type, ErrorCode.NotEmpty);
        string parentPath = ZPath.Parent(path);
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
        var node = Find(s.Path);
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

    private TxnResult SetAcl(SetAclTxn s)
    {
        var node = Find(s.Path);
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
            if (Find(path) is { } n && RawOwner(n) == sessionId) Delete(zxid, TxnType.Delete, path, triggers);
        // Anything the prepared list missed (it cannot, in one process; a replica may differ in
        // timing) is removed too, in a deterministic order.
        if (_ephemerals.TryGetValue(sessionId, out var rest))
            foreach (var path in rest.Order(StringComparer.Ordinal).ToList()) Delete(zxid, TxnType.Delete, path, triggers);
        _sessions.Remove(sessionId);
        return new TxnResult(c.Type, ErrorCode.Ok);
    }
}
