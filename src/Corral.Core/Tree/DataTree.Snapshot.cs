using System.Buffers;
using System.Buffers.Binary;
using Corral.Protocol;

namespace Corral.Core.Tree;

/// <summary>
/// Snapshot format (all integers big-endian, jute encoding inside records):
/// <code>
/// "CRSN" magic, int version (1), long lastProcessedZxid, long digest
/// then records, each: int length, then length bytes:
///   kind 1 session: long id, int timeoutMs, buffer password
///   kind 2 acl:     int index, vector&lt;ACL&gt;
///   kind 3 node:    ustring path, buffer data, long czxid, mzxid, pzxid, ctime, mtime,
///                   int version, childCreations, aversion, aclIndex, long rawOwner
/// terminated by a record of length 0.
/// </code>
/// Nodes are written parent before child, so loading only ever appends a child to a loaded parent.
/// The digest is recomputed while loading and must match the stored one.
/// Version 2 (<see cref="FuzzySnapshotWriter"/>): the header has no digest (magic, version, zxid);
/// the digest of the nodes written follows the terminating record instead.
/// </summary>
public sealed partial class DataTree
{
    private const int SnapshotMagic = 0x4352534E; // "CRSN"
    private const int SnapshotVersion = 1;
    internal const int SnapshotMagicNumber = SnapshotMagic;

    public void WriteSnapshot(Stream output)
    {
        var record = new ArrayBufferWriter<byte>(256);
        Span<byte> head = stackalloc byte[24];
        BinaryPrimitives.WriteInt32BigEndian(head, SnapshotMagic);
        BinaryPrimitives.WriteInt32BigEndian(head[4..], SnapshotVersion);
        BinaryPrimitives.WriteInt64BigEndian(head[8..], LastProcessedZxid);
        BinaryPrimitives.WriteInt64BigEndian(head[16..], Digest);
        output.Write(head);

        foreach (var (id, s) in _sessions)
            WriteRecord(output, record, 1, (ref JuteWriter w) =>
            {
                w.WriteLong(id);
                w.WriteInt(s.TimeoutMs);
                w.WriteBuffer(s.Password);
            });

        var aclIndexes = new HashSet<int>();
        var stack = new Stack<(string Path, ZNode Node)>();
        stack.Push(("/", Root));
        while (stack.TryPop(out var item))
        {
            var (path, n) = item;
            if (aclIndexes.Add(n.AclIndex))
            {
                var acl = GetAcl(n);
                int index = n.AclIndex;
                WriteRecord(output, record, 2, (ref JuteWriter w) =>
                {
                    w.WriteInt(index);
                    Acl.WriteList(ref w, acl);
                });
            }
            long owner = RawOwner(n);
            WriteRecord(output, record, 3, (ref JuteWriter w) =>
            {
                w.WriteString(path);
                if (n.DataIsNull) w.WriteInt(-1); else w.WriteBuffer(n.Data);
                w.WriteLong(n.Czxid); w.WriteLong(n.Mzxid); w.WriteLong(n.Pzxid);
                w.WriteLong(n.Ctime); w.WriteLong(n.Mtime);
                w.WriteInt(n.Version); w.WriteInt(n.ChildCreations); w.WriteInt(n.Aversion); w.WriteInt(n.AclIndex);
                w.WriteLong(owner);
            });
            if (n.Children is null) continue;
            foreach (var c in n.Children) stack.Push((ZPath.Join(path, c.Name), c));
        }
        output.Write(stackalloc byte[4]);
    }

    private delegate void RecordBody(ref JuteWriter w);

    private static void WriteRecord(Stream output, ArrayBufferWriter<byte> buffer, byte kind, RecordBody body)
    {
        buffer.ResetWrittenCount();
        var w = new JuteWriter(buffer);
        w.WriteInt(0); // length placeholder
        w.WriteByte(kind);
        body(ref w);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer.WrittenMemory).Span;
        BinaryPrimitives.WriteInt32BigEndian(bytes, bytes.Length - 4);
        output.Write(bytes);
    }

    /// <summary>Replaces this tree's entire state with the snapshot's. Throws <see cref="InvalidDataException"/> on a corrupt snapshot.</summary>
    public void LoadSnapshot(Stream input)
    {
        Span<byte> head = stackalloc byte[24];
        input.ReadExactly(head[..16]);
        if (BinaryPrimitives.ReadInt32BigEndian(head) != SnapshotMagic) throw new InvalidDataException("not a Corral snapshot");
        int version = BinaryPrimitives.ReadInt32BigEndian(head[4..]);
        if (version != SnapshotVersion && version != FuzzySnapshotWriter.Version)
            throw new InvalidDataException($"unsupported snapshot version {version}");
        long lastZxid = BinaryPrimitives.ReadInt64BigEndian(head[8..]);
        long digest = 0;
        if (version == SnapshotVersion)
        {
            input.ReadExactly(head[16..]);
            digest = BinaryPrimitives.ReadInt64BigEndian(head[16..]);
        }

        ResetEmpty();
        var aclMap = new Dictionary<int, SnapshotAcl>();
        var records = new SnapshotRecordReader(input);
        var parents = new ParentCache();
        long computedDigest = 0;
        while (true)
        {
            int len = records.ReadInt32();
            if (len == 0)
            {
                if (version == FuzzySnapshotWriter.Version) digest = records.ReadInt64();
                break;
            }
            if (len < 1 || len > 64 * 1024 * 1024) throw new InvalidDataException($"bad snapshot record length {len}");
            try
            {
                computedDigest += LoadRecord(records.Read(len), aclMap, parents);
            }
            catch (JuteException e)
            {
                throw new InvalidDataException($"corrupt snapshot record: {e.Message}", e);
            }
        }
        parents.Flush();
        if (computedDigest != digest) throw new InvalidDataException("snapshot digest mismatch");
        Digest = digest;
        LastProcessedZxid = lastZxid;
        RebuildQuotas();
    }

    /// <summary>
    /// The parent the previous node record went under. Records come parent before child, depth
    /// first, so runs of siblings share one parent: they skip the walk from the root (and the
    /// parent path's string) that finding the parent by path would cost per node.
    /// </summary>
    /// <para>
    /// The run of siblings read so far is added to the parent's child set only when the parent
    /// changes (or the load ends): the set is then sized once for the whole run instead of growing
    /// through some 25 rehashes for a parent of 900,000 children. Nothing can refer to a pending
    /// child before the flush, because a record under it changes the parent first.
    /// </para>
    private sealed class ParentCache
    {
        public byte[] Path = new byte[256];
        public int PathLength = -1;
        public ZParentNode? Node;
        private readonly List<ZNode> _pending = [];

        public bool Matches(ReadOnlySpan<byte> path) => Node is not null && path.SequenceEqual(Path.AsSpan(0, PathLength));

        public void Set(ReadOnlySpan<byte> path, ZParentNode node)
        {
            if (Path.Length < path.Length) Path = new byte[path.Length * 2];
            path.CopyTo(Path);
            PathLength = path.Length;
            Node = node;
        }

        public void AddChild(ZNode child) => _pending.Add(child);

        /// <summary>Adds the pending siblings to their parent; throws when a name appears twice.</summary>
        public void Flush()
        {
            if (_pending.Count == 0) return;
            var children = Node!.EnsureChildren();
            children.EnsureCapacity(children.Count + _pending.Count);
            foreach (var child in _pending)
                if (!children.TryAdd(child))
                {
                    string parent = Utf8(Path.AsSpan(0, PathLength));
                    throw new InvalidDataException($"snapshot node {ZPath.Join(parent, child.Name)} appears twice");
                }
            _pending.Clear();
        }
    }

    /// <summary>An ACL record of the snapshot, and its index in this tree's cache once a node used it.</summary>
    private sealed class SnapshotAcl(IReadOnlyList<Acl> list)
    {
        public readonly IReadOnlyList<Acl> List = list;
        public int TreeIndex = -1;
    }

    private long LoadRecord(ReadOnlySpan<byte> bytes, Dictionary<int, SnapshotAcl> aclMap, ParentCache parents)
    {
        var r = new JuteReader(bytes);
        switch (r.ReadByte())
        {
            case 1:
                long id = r.ReadLong();
                _sessions[id] = new SessionRecord(r.ReadInt(), r.ReadBuffer() ?? []);
                return 0;
            case 2:
                int index = r.ReadInt();
                aclMap[index] = new SnapshotAcl(Acl.ReadList(ref r) ?? []);
                return 0;
            case 3:
                // The path stays UTF-8 bytes: the node keeps its last segment as its name and the
                // digest hashes the UTF-8 path, so a string is built only for ephemerals and errors.
                var path = r.ReadBufferSpan(out bool pathNull);
                if (pathNull) throw new InvalidDataException("null path in snapshot");
                if (!System.Text.Unicode.Utf8.IsValid(path)) throw new JuteException("string is not valid UTF-8");
                bool isRoot = path.Length == 1 && path[0] == (byte)'/';
                int lastSlash = path.LastIndexOf((byte)'/');
                if (lastSlash < 0) throw new InvalidDataException($"snapshot path {Utf8(path)} is not absolute");
                var data = r.ReadBufferSpan(out bool dataNull);
                var node = isRoot ? Root : new ZNode(path[(lastSlash + 1)..], data, dataNull);
                if (isRoot) node.SetData(data, dataNull);
                long czxid = r.ReadLong(), mzxid = r.ReadLong(), pzxid = r.ReadLong();
                long ctime = r.ReadLong(), mtime = r.ReadLong();
                int version = r.ReadInt(), childCreations = r.ReadInt(), aversion = r.ReadInt();
                node.RestoreStat(czxid, mzxid, pzxid, ctime, mtime, version, childCreations, aversion);
                int aclIndex = r.ReadInt();
                long owner = r.ReadLong();
                if (!aclMap.TryGetValue(aclIndex, out var acl)) throw new InvalidDataException($"node {Utf8(path)} uses unknown ACL {aclIndex}");
                // Nodes share a handful of lists: intern each once, then only count references.
                if (acl.TreeIndex < 0) node.AclIndex = acl.TreeIndex = Acls.AddRef(acl.List);
                else Acls.AddRef(node.AclIndex = acl.TreeIndex);
                if (!isRoot)
                {
                    var parentPath = lastSlash == 0 ? path[..1] : path[..lastSlash];
                    if (!parents.Matches(parentPath))
                    {
                        parents.Flush(); // the new parent may be one of them
                        string parentString = Utf8(parentPath);
                        var found = Find(parentString) ?? throw new InvalidDataException($"snapshot node {Utf8(path)} precedes its parent");
                        parents.Set(parentPath, AsParent(parentString, found));
                    }
                    parents.AddChild(node);
                    NodeCount++;
                }
                if (owner != 0) TrackOwner(node, Utf8(path), owner);
                ApproximateDataSize += System.Text.Encoding.UTF8.GetCharCount(path) + node.DataLength;
                return TreeDigest.NodeHash(path, node, owner);
            default:
                throw new InvalidDataException("unknown snapshot record kind");
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    private void ResetEmpty()
    {
        Acls = new AclCache();
        _ephemerals.Clear();
        _containers.Clear();
        _ttls.Clear();
        _sessions.Clear();
        NodeCount = 1;
        ApproximateDataSize = 0;
        Root = new ZParentNode([], [], dataIsNull: false);
        LastProcessedZxid = 0;
        Digest = 0;
    }
}
