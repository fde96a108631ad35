using System.Buffers;
using System.Text;
using Corral.Protocol;

namespace Corral.Core.Tree;

/// <summary>A session as the replicated state knows it: enough to resume it and to expire it.</summary>
public sealed record SessionRecord(int TimeoutMs, byte[] Password);

/// <summary>
/// The replicated state: the znode hierarchy with ACLs and stat counters, the sessions and their
/// ephemeral nodes, containers and TTL nodes for the reaper, the last applied zxid and a running
/// digest. It changes only through <see cref="Apply"/> (see DataTree.Apply.cs), so every replica that
/// applies the same transactions in the same order holds the same tree and digest.
/// </summary>
public sealed partial class DataTree
{
    /// <summary>ZooKeeper's internal ephemeralOwner marker for containers.</summary>
    public const long ContainerOwner = long.MinValue;
    private const long TtlMask = unchecked((long)0xFF00000000000000UL);
    /// <summary>The largest TTL ZooKeeper accepts: 2^40 - 1 ms.</summary>
    public const long MaxTtl = (1L << 40) - 1;

    public static long TtlOwner(long ttl) => TtlMask | ttl;
    public static bool IsTtlOwner(long raw) => (raw & TtlMask) == TtlMask && raw != -1 && (raw & ~TtlMask) > 0;
    public static long TtlOf(long raw) => raw & ~TtlMask;

    public static readonly string[] BuiltInPaths = ["/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"];
    public static bool IsBuiltIn(string path) => Array.IndexOf(BuiltInPaths, path) >= 0;

    private readonly Dictionary<long, HashSet<string>> _ephemerals = [];
    private readonly HashSet<string> _containers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ttls = new(StringComparer.Ordinal);
    private readonly Dictionary<long, SessionRecord> _sessions = [];

    public DataTree()
    {
        Root = NewBuiltIn("");
        InitBuiltIns();
    }

    public ZParentNode Root { get; private set; }
    public AclCache Acls { get; private set; } = new();
    public long LastProcessedZxid { get; private set; }
    public long Digest { get; private set; }
    /// <summary>Number of znodes including the root and the built-ins.</summary>
    public int NodeCount { get; private set; }

    /// <summary>Sum of path lengths and data lengths over all nodes, as ZooKeeper's zk_approximate_data_size.</summary>
    public long ApproximateDataSize { get; private set; }

    public IReadOnlyDictionary<long, SessionRecord> Sessions => _sessions;
    public IReadOnlyCollection<string> Containers => _containers;
    public IReadOnlyCollection<string> TtlNodes => _ttls;
    public int EphemeralCount => _ephemerals.Values.Sum(s => s.Count);
    public IEnumerable<long> SessionsWithEphemerals => _ephemerals.Keys;

    /// <summary>The session's ephemeral paths (empty if none).</summary>
    public IReadOnlyCollection<string> GetEphemerals(long sessionId) =>
        _ephemerals.TryGetValue(sessionId, out var set) ? set : [];

    private ZParentNode NewBuiltIn(string name)
    {
        var n = new ZParentNode(Encoding.UTF8.GetBytes(name), [], dataIsNull: false) { AclIndex = Acls.AddRef(Acl.OpenAclUnsafe) };
        NodeCount++;
        return n;
    }

    private void InitBuiltIns()
    {
        var zk = NewBuiltIn("zookeeper");
        Root.EnsureChildren().Add(zk);
        zk.EnsureChildren().Add(NewBuiltIn("quota"));
        var config = NewBuiltIn("config");
        Acls.Release(config.AclIndex);
        config.AclIndex = Acls.AddRef(Acl.ReadAclUnsafe);
        config.Aversion = -1;
        zk.EnsureChildren().Add(config);
        Digest = 0;
        foreach (var p in BuiltInPaths)
        {
            Digest += TreeDigest.NodeHash(p, Find(p)!, 0);
            ApproximateDataSize += p.Length;
        }
    }

    /// <summary>Finds a node by absolute path; null if absent or the path is malformed ("//", trailing '/').</summary>
    public ZNode? Find(string path)
    {
        if (path.Length == 0 || path[0] != '/') return null;
        if (path.Length == 1) return Root;
        int max = Encoding.UTF8.GetMaxByteCount(path.Length);
        byte[]? rented = null;
        Span<byte> buf = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int len = Encoding.UTF8.GetBytes(path, buf);
            return Walk(buf[1..len]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private ZNode? Walk(ReadOnlySpan<byte> rest)
    {
        ZNode node = Root;
        while (true)
        {
            int slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (segment.IsEmpty) return null;
            var child = node.Children?.Find(segment);
            if (child is null) return null;
            if (slash < 0) return child;
            rest = rest[(slash + 1)..];
            if (rest.IsEmpty) return null;
            node = child;
        }
    }

    /// <summary>
    /// The node at <paramref name="path"/> as a <see cref="ZParentNode"/>, upgrading a leaf in place
    /// (its grandparent's child set then points at the copy).
    /// </summary>
    private ZParentNode AsParent(string path, ZNode node)
    {
        if (node is ZParentNode parent) return parent;
        var upgraded = new ZParentNode(node);
        var grandparent = (ZParentNode)Find(ZPath.Parent(path))!;
        grandparent.Children!.Replace(node, upgraded);
        return upgraded;
    }

    /// <summary>The ephemeralOwner as stored: a session id, <see cref="ContainerOwner"/>, a TTL marker, or 0.</summary>
    public long RawOwner(ZNode node) => node.RawOwner;

    /// <summary>The ephemeralOwner shown to clients: the session for ephemerals, 0 for containers and TTL nodes.</summary>
    public long ShownOwner(ZNode node)
    {
        long raw = RawOwner(node);
        return raw == ContainerOwner || IsTtlOwner(raw) ? 0 : raw;
    }

    public bool IsEphemeral(ZNode node) => ShownOwner(node) != 0;

    public Stat GetStat(ZNode n)
    {
        int numChildren = n.ChildCount;
        return new Stat(n.Czxid, n.Mzxid, n.Ctime, n.Mtime, n.Version, 2 * n.ChildCreations - numChildren,
            n.Aversion, ShownOwner(n), n.DataLength, numChildren, n.Pzxid);
    }

    public IReadOnlyList<Acl> GetAcl(ZNode node) => Acls.Get(node.AclIndex);

    public List<string> GetChildren(ZNode node)
    {
        var list = new List<string>(node.ChildCount);
        if (node.Children is { } c)
            foreach (var child in c) list.Add(child.Name);
        return list;
    }

    /// <summary>All descendants of a node, not counting the node itself.</summary>
    public int CountDescendants(ZNode node)
    {
        int total = 0;
        var stack = new Stack<ZNode>();
        stack.Push(node);
        while (stack.TryPop(out var n))
        {
            if (n.Children is null) continue;
            foreach (var c in n.Children)
            {
                total++;
                stack.Push(c);
            }
        }
        return total;
    }
}
