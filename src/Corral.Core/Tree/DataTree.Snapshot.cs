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
        var aclMap = new Dictionary<int, IReadOnlyList<Acl>>();
        byte[] buffer = new byte[256];
        Span<byte> lenBytes = stackalloc byte[4];
        long computedDigest = 0;
        while (true)
        {
            input.ReadExactly(lenBytes);
            int len = BinaryPrimitives.ReadInt32BigEndian(lenBytes);
            if (len == 0)
            {
                if (version == FuzzySnapshotWriter.Version)
                {
                    input.ReadExactly(head[16..]);
                    digest = BinaryPrimitives.ReadInt64BigEndian(head[16..]);
                }
                break;
            }
            if (len < 1 || len > 64 * 1024 * 1024) throw new InvalidDataException($"bad snapshot record length {len}");
            if (buffer.Length < len) buffer = new byte[Math.Max(len, buffer.Length * 2)];
            input.ReadExactly(buffer, 0, len);
            try
            {
                computedDigest += LoadRecord(buffer.AsSpan(0, len), aclMap);
            }
            catch (JuteException e)
            {
                throw new InvalidDataException($"corrupt snapshot record: {e.Message}", e);
            }
        }
        if (computedDigest != digest) throw new InvalidDataException("snapshot digest mismatch");
        Digest = digest;
        LastProcessedZxid = lastZxid;
        RebuildQuotas();
    }

    private long LoadRecord(ReadOnlySpan<byte> bytes, Dictionary<int, IReadOnlyList<Acl>> aclMap)
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
                aclMap[index] = Acl.ReadList(ref r) ?? [];
                return 0;
            case 3:
                string path = r.ReadString() ?? throw new InvalidDataException("null path in snapshot");
                var data = r.ReadBufferSpan(out bool dataNull);
                var node = path == "/" ? Root : new ZNode(System.Text.Encoding.UTF8.GetBytes(ZPath.ChildName(path)), data, dataNull);
                if (path == "/") node.SetData(data, dataNull);
                long czxid = r.ReadLong(), mzxid = r.ReadLong(), pzxid = r.ReadLong();
                long ctime = r.ReadLong(), mtime = r.ReadLong();
                int version = r.ReadInt(), childCreations = r.ReadInt(), aversion = r.ReadInt();
                node.RestoreStat(czxid, mzxid, pzxid, ctime, mtime, version, childCreations, aversion);
                int aclIndex = r.ReadInt();
                long owner = r.ReadLong();
                if (!aclMap.TryGetValue(aclIndex, out var acl)) throw new InvalidDataException($"node {path} uses unknown ACL {aclIndex}");
                node.AclIndex = Acls.AddRef(acl);
                if (path != "/")
                {
                    string parentPath = ZPath.Parent(path);
                    var parent = Find(parentPath) ?? throw new InvalidDataException($"snapshot node {path} precedes its parent");
                    if (parent.Children?.Find(node.NameBytes) is not null) throw new InvalidDataException($"snapshot node {path} appears twice");
                    AsParent(parentPath, parent).EnsureChildren().Add(node);
                    NodeCount++;
                }
                if (owner != 0) TrackOwner(node, path, owner);
                ApproximateDataSize += path.Length + node.DataLength;
                return TreeDigest.NodeHash(path, node, owner);
            default:
                throw new InvalidDataException("unknown snapshot record kind");
        }
    }

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
