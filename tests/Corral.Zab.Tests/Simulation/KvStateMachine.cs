using System.Text;

namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// A small ZooKeeper-like tree: persistent, ephemeral and sequential nodes with versions, and sessions
/// whose close deletes their ephemerals. Stands in for Corral.Core's DataTree until that lands.
/// </summary>
public sealed class KvStateMachine : IReplicatedStateMachine
{
    private sealed record Node(string Value, int Version, long EphemeralOwner, int ChildSequence);

    private SortedDictionary<string, Node> _nodes = NewTree();
    private SortedSet<long> _closedSessions = [];

    public static readonly string[] Roots = ["/kv", "/seq", "/eph"];

    public long LastZxid { get; private set; }

    private static SortedDictionary<string, Node> NewTree()
    {
        var t = new SortedDictionary<string, Node>(StringComparer.Ordinal) { ["/"] = new("", 0, 0, 0) };
        foreach (var r in Roots) t[r] = new Node("", 0, 0, 0);
        return t;
    }

    public TxnResult Apply(long zxid, byte[] payload)
    {
        if (zxid <= LastZxid) throw new InvalidOperationException($"apply out of order: {Zxid.Format(zxid)} after {Zxid.Format(LastZxid)}");
        LastZxid = zxid;
        var t = SimTxn.Decode(payload);
        return t.Op switch
        {
            SimOp.Create => Create(t),
            SimOp.SetData => SetData(t),
            SimOp.Delete => Delete(t),
            _ => CloseSession(t.SessionId),
        };
    }

    private static string ParentOf(string path) => path[..Math.Max(1, path.LastIndexOf('/'))];

    private TxnResult Create(SimTxn t)
    {
        if (t.Ephemeral && _closedSessions.Contains(t.SessionId)) return new TxnResult(SimError.SessionExpired, null, 0);
        var parentPath = ParentOf(t.Path);
        if (!_nodes.TryGetValue(parentPath, out var parent)) return new TxnResult(SimError.NoNode, null, 0);
        var path = t.Path;
        if (t.Sequential)
        {
            path = $"{t.Path}{parent.ChildSequence:D10}";
            _nodes[parentPath] = parent with { ChildSequence = parent.ChildSequence + 1 };
        }
        if (_nodes.ContainsKey(path)) return new TxnResult(SimError.NodeExists, null, 0);
        _nodes[path] = new Node(t.Data, 0, t.Ephemeral ? t.SessionId : 0, 0);
        return new TxnResult(SimError.Ok, path, 0);
    }

    private TxnResult SetData(SimTxn t)
    {
        if (!_nodes.TryGetValue(t.Path, out var n)) return new TxnResult(SimError.NoNode, null, 0);
        if (t.Version != -1 && t.Version != n.Version) return new TxnResult(SimError.BadVersion, null, 0);
        _nodes[t.Path] = n with { Value = t.Data, Version = n.Version + 1 };
        return new TxnResult(SimError.Ok, t.Path, n.Version + 1);
    }

    private TxnResult Delete(SimTxn t)
    {
        if (!_nodes.TryGetValue(t.Path, out var n)) return new TxnResult(SimError.NoNode, null, 0);
        if (t.Version != -1 && t.Version != n.Version) return new TxnResult(SimError.BadVersion, null, 0);
        var prefix = t.Path + "/";
        if (_nodes.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal))) return new TxnResult(SimError.NotEmpty, null, 0);
        _nodes.Remove(t.Path);
        return new TxnResult(SimError.Ok, t.Path, 0);
    }

    private TxnResult CloseSession(long session)
    {
        _closedSessions.Add(session);
        foreach (var path in _nodes.Where(kv => kv.Value.EphemeralOwner == session).Select(kv => kv.Key).ToList())
            _nodes.Remove(path);
        return new TxnResult(SimError.Ok, null, 0);
    }

    public ReadResult Read(string path) =>
        _nodes.TryGetValue(path, out var n) ? new ReadResult(true, n.Value, n.Version) : new ReadResult(false, null, -1);

    /// <summary>Ephemeral paths owned by a session, for the session checks.</summary>
    public IEnumerable<string> EphemeralsOf(long session) => _nodes.Where(kv => kv.Value.EphemeralOwner == session).Select(kv => kv.Key);

    public ulong Digest()
    {
        // FNV-1a over a canonical rendering; SortedDictionary gives a stable order.
        var h = 14695981039346656037UL;
        void Mix(string s) { foreach (var c in s) { h ^= c; h *= 1099511628211UL; } h ^= 0xff; h *= 1099511628211UL; }
        foreach (var (path, n) in _nodes) Mix($"{path}\0{n.Value}\0{n.Version}\0{n.EphemeralOwner}\0{n.ChildSequence}");
        foreach (var s in _closedSessions) Mix(s.ToString());
        return h;
    }

    public byte[] Snapshot()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8))
        {
            w.Write(LastZxid);
            w.Write(_nodes.Count);
            foreach (var (path, n) in _nodes)
            {
                w.Write(path); w.Write(n.Value); w.Write(n.Version); w.Write(n.EphemeralOwner); w.Write(n.ChildSequence);
            }
            w.Write(_closedSessions.Count);
            foreach (var s in _closedSessions) w.Write(s);
        }
        return ms.ToArray();
    }

    public void Restore(long zxid, byte[] snapshot)
    {
        using var r = new BinaryReader(new MemoryStream(snapshot), Encoding.UTF8);
        var last = r.ReadInt64();
        if (last != zxid) throw new InvalidOperationException($"snapshot holds {Zxid.Format(last)}, expected {Zxid.Format(zxid)}");
        var nodes = new SortedDictionary<string, Node>(StringComparer.Ordinal);
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
            nodes[r.ReadString()] = new Node(r.ReadString(), r.ReadInt32(), r.ReadInt64(), r.ReadInt32());
        var closed = new SortedSet<long>();
        for (int i = 0, n = r.ReadInt32(); i < n; i++) closed.Add(r.ReadInt64());
        _nodes = nodes;
        _closedSessions = closed;
        LastZxid = zxid;
    }
}
