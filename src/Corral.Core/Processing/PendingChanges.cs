using Corral.Core.Tree;
using Corral.Protocol;

namespace Corral.Core.Processing;

/// <summary>What prepare needs to know about one node, as it will be once pending transactions apply.</summary>
internal sealed class NodeView
{
    public bool Exists;
    public int Version;
    public int Aversion;
    public int ChildCreations;
    public int NumChildren;
    public int DataLength;
    public long RawOwner;
    public IReadOnlyList<Acl> Acl = [];
    /// <summary>The zxid of the pending transaction that produced this view (0 for a view read from the tree).</summary>
    public long Zxid;

    public NodeView With(long zxid)
    {
        var copy = (NodeView)MemberwiseClone();
        copy.Zxid = zxid;
        return copy;
    }

    public static NodeView Deleted(long zxid) => new() { Exists = false, Zxid = zxid };
}

/// <summary>
/// ZooKeeper's outstandingChanges: the effect of prepared-but-not-applied transactions, overlaid on
/// the tree so that validation sees the tree as it will be. A scope collects a multi's changes so
/// that a failing multi leaves nothing behind. Entries leave once their transaction is applied.
/// </summary>
public sealed class PendingChanges
{
    private readonly DataTree _tree;
    private readonly Dictionary<string, NodeView> _pending = new(StringComparer.Ordinal);
    private readonly Queue<(long Zxid, string Path)> _order = new();
    private Dictionary<string, NodeView>? _scope;

    public PendingChanges(DataTree tree) => _tree = tree;

    /// <summary>The applied tree under the pending changes (quota usage is read from it, as ZooKeeper does).</summary>
    internal DataTree Tree => _tree;

    /// <summary>Number of paths with a pending change.</summary>
    public int Count => _pending.Count;

    internal NodeView? Get(string path)
    {
        if (_scope is not null && _scope.TryGetValue(path, out var s)) return s.Exists ? s : null;
        if (_pending.TryGetValue(path, out var p)) return p.Exists ? p : null;
        var node = _tree.Find(path);
        if (node is null) return null;
        return new NodeView
        {
            Exists = true,
            Version = node.Version,
            Aversion = node.Aversion,
            ChildCreations = node.ChildCreations,
            NumChildren = node.ChildCount,
            DataLength = node.DataLength,
            RawOwner = _tree.RawOwner(node),
            Acl = _tree.GetAcl(node),
        };
    }

    internal void Put(string path, NodeView view)
    {
        if (_scope is not null)
        {
            _scope[path] = view;
            return;
        }
        _pending[path] = view;
        _order.Enqueue((view.Zxid, path));
    }

    internal void BeginScope() => _scope = new(StringComparer.Ordinal);

    internal void DiscardScope() => _scope = null;

    internal void CommitScope()
    {
        var scope = _scope!;
        _scope = null;
        foreach (var (path, view) in scope) Put(path, view);
    }

    /// <summary>The session's ephemeral paths once pending changes apply (for closeSession).</summary>
    public List<string> EphemeralsOf(long sessionId)
    {
        var set = new HashSet<string>(_tree.GetEphemerals(sessionId), StringComparer.Ordinal);
        foreach (var (path, view) in _pending)
        {
            if (!view.Exists) set.Remove(path);
            else if (view.RawOwner == sessionId) set.Add(path);
        }
        var list = set.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    /// <summary>Forgets every change made by transactions up to and including <paramref name="zxid"/>.</summary>
    public void OnApplied(long zxid)
    {
        while (_order.Count > 0 && _order.Peek().Zxid <= zxid)
        {
            var (z, path) = _order.Dequeue();
            if (_pending.TryGetValue(path, out var v) && v.Zxid == z) _pending.Remove(path);
        }
    }

    /// <summary>Drops everything (e.g. after loading a snapshot).</summary>
    public void Clear()
    {
        _pending.Clear();
        _order.Clear();
        _scope = null;
    }
}
