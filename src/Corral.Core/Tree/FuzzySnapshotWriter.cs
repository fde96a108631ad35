using System.Buffers;
using System.Buffers.Binary;
using Corral.Protocol;

namespace Corral.Core.Tree;

/// <summary>
/// Serialises a <see cref="DataTree"/> a slice at a time while the tree keeps changing between
/// slices (ZooKeeper's "fuzzy snapshot"). The owner runs <see cref="WriteSlice"/> on the tree's own
/// loop, between transactions, and ships each slice's bytes to disk elsewhere, so writes never stop.
/// <para>
/// The result is labelled <see cref="StartZxid"/>, the zxid applied before the first slice; every
/// node is captured as it was when its slice ran, so it may reflect later transactions, and a node
/// deleted before its slice is left out although its parent lists it. Replaying the log from
/// StartZxid + 1 with <see cref="DataTree.Replay"/> converges to the true state in every field
/// (creating an existing node and deleting a missing one still move the parent's pzxid and
/// child-creation counter forward; see DataTree.Apply.cs and docs/storage.md). Nodes are written parent before child (a child is queued only when its parent is
/// written), so loading never meets an orphan. A written parent's children are captured as one
/// array of node references (8 bytes each) and their paths are built only as each is written: a
/// parent of 900,000 children would otherwise hold 900,000 path strings (about 100 MB) alive for
/// the whole walk, long enough to be promoted to generation 2 and leave the heap that much larger
/// after the snapshot. ACLs get snapshot-local ids: the cache may free and
/// reuse an index between slices, so the index itself cannot name a list.
/// </para>
/// Format version 2 of DataTree.Snapshot.cs: the same records as version 1, and because the digest
/// of a fuzzy walk is only known at the end, it follows the terminating zero-length record.
/// </summary>
public sealed class FuzzySnapshotWriter
{
    internal const int Version = 2;

    private readonly DataTree _tree;
    private readonly Stack<Frame> _pending = new();
    private readonly Dictionary<IReadOnlyList<Acl>, int> _aclIds = new(ReferenceEqualityComparer.Instance);
    private readonly ArrayBufferWriter<byte> _record = new(256);
    private long _digest;
    private bool _started;
    private bool _rootWritten;

    public FuzzySnapshotWriter(DataTree tree)
    {
        _tree = tree;
        StartZxid = tree.LastProcessedZxid;
    }

    /// <summary>Replay must start after this zxid; it was fully applied before the walk began.</summary>
    public long StartZxid { get; }

    public bool IsFinished { get; private set; }

    /// <summary>
    /// Test knob: reorders a parent's captured children before they are queued, so tests can check
    /// that recovery does not depend on the order siblings are written in. Null (the default) keeps
    /// the child set's order.
    /// </summary>
    internal Action<ZNode[]>? ReorderChildren { get; init; }

    /// <summary>Nodes written so far.</summary>
    public long NodesWritten { get; private set; }

    /// <summary>
    /// Appends the next slice (at most <paramref name="maxNodes"/> nodes) to <paramref name="output"/>.
    /// Call on the tree's loop only. Returns true once the snapshot is complete (terminator and
    /// digest written).
    /// </summary>
    public bool WriteSlice(IBufferWriter<byte> output, int maxNodes)
    {
        if (IsFinished) return true;
        if (!_started)
        {
            _started = true;
            var head = output.GetSpan(16);
            BinaryPrimitives.WriteInt32BigEndian(head, DataTree.SnapshotMagicNumber);
            BinaryPrimitives.WriteInt32BigEndian(head[4..], Version);
            BinaryPrimitives.WriteInt64BigEndian(head[8..], StartZxid);
            output.Advance(16);
            foreach (var (id, s) in _tree.Sessions) WriteSession(output, id, s);
        }
        for (int written = 0; written < maxNodes; written++)
        {
            if (!_rootWritten)
            {
                _rootWritten = true;
                WriteNodeAndQueueChildren(output, "/", _tree.Root);
                continue;
            }
            if (!_pending.TryPeek(out var frame)) break;
            // Last child first, as the stack of single children this replaced popped them.
            var captured = frame.Children[--frame.Left];
            frame.Children[frame.Left] = null!; // let the collector have it if it is deleted meanwhile
            if (frame.Left == 0) _pending.Pop();
            // Write the node at that path as it is now. Since the capture it may have been deleted
            // (skip it: replaying the delete fixes the parent) or replaced by another object (a leaf
            // upgraded to a parent, or a new node at the same path): the captured object is stale
            // then, a deleted node has already lost its owner and maybe its ACL slot.
            if (frame.Node.Children?.Find(captured.NameBytes) is not { } child) continue;
            WriteNodeAndQueueChildren(output, ZPath.Join(frame.Path, child.Name), child);
        }
        if (_pending.Count > 0 || !_rootWritten) return false;
        var tail = output.GetSpan(12);
        BinaryPrimitives.WriteInt32BigEndian(tail, 0);
        BinaryPrimitives.WriteInt64BigEndian(tail[4..], _digest);
        output.Advance(12);
        IsFinished = true;
        return true;
    }

    private void WriteNodeAndQueueChildren(IBufferWriter<byte> output, string path, ZNode n)
    {
        WriteNode(output, path, n);
        if (n.Children is not { Count: > 0 } children) return;
        var captured = new ZNode[children.Count];
        int i = 0;
        foreach (var c in children) captured[i++] = c;
        ReorderChildren?.Invoke(captured);
        _pending.Push(new Frame(path, n, captured));
    }

    /// <summary>A written parent's children as they were when it was written, and how many of them are written.</summary>
    private sealed class Frame(string path, ZNode node, ZNode[] children)
    {
        public readonly string Path = path;
        public readonly ZNode Node = node;
        public readonly ZNode[] Children = children;
        public int Left = children.Length;
    }

    private void WriteSession(IBufferWriter<byte> output, long id, SessionRecord s)
    {
        var w = Begin(1);
        w.WriteLong(id);
        w.WriteInt(s.TimeoutMs);
        w.WriteBuffer(s.Password);
        End(output);
    }

    private void WriteNode(IBufferWriter<byte> output, string path, ZNode n)
    {
        var acl = _tree.GetAcl(n);
        if (!_aclIds.TryGetValue(acl, out int aclId))
        {
            _aclIds[acl] = aclId = _aclIds.Count;
            var a = Begin(2);
            a.WriteInt(aclId);
            Acl.WriteList(ref a, acl);
            End(output);
        }
        long owner = _tree.RawOwner(n);
        var w = Begin(3);
        w.WriteString(path);
        if (n.DataIsNull) w.WriteInt(-1); else w.WriteBuffer(n.Data);
        w.WriteLong(n.Czxid); w.WriteLong(n.Mzxid); w.WriteLong(n.Pzxid);
        w.WriteLong(n.Ctime); w.WriteLong(n.Mtime);
        w.WriteInt(n.Version); w.WriteInt(n.ChildCreations); w.WriteInt(n.Aversion); w.WriteInt(aclId);
        w.WriteLong(owner);
        End(output);
        _digest += TreeDigest.NodeHash(path, n, owner);
        NodesWritten++;
    }

    private JuteWriter Begin(byte kind)
    {
        _record.ResetWrittenCount();
        var w = new JuteWriter(_record);
        w.WriteInt(0); // length, filled in by End
        w.WriteByte(kind);
        return w;
    }

    private void End(IBufferWriter<byte> output)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsMemory(_record.WrittenMemory).Span;
        BinaryPrimitives.WriteInt32BigEndian(bytes, bytes.Length - 4);
        output.Write(bytes);
    }
}
