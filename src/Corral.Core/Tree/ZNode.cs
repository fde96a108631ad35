using System.Text;

namespace Corral.Core.Tree;

/// <summary>
/// One znode, laid out to keep memory small at millions of nodes. The node stores only its own name
/// (not its full path) and no parent pointer; flags, name and data share one byte array; the ACL is
/// an index into the shared <see cref="AclCache"/>; the rare non-zero ephemeralOwner values live in a
/// side table of the <see cref="DataTree"/>; and only nodes that have ever had a child carry a child
/// set (<see cref="ZParentNode"/>). A leaf costs an 80-byte object plus its payload array and one slot
/// in its parent's <see cref="ChildSet"/>.
/// </summary>
public class ZNode
{
    [Flags]
    internal enum NodeFlags : byte
    {
        None = 0,
        DataNull = 1,
        HasOwner = 2,
    }

    /// <summary>[flags][name length as a 1-3 byte varint][UTF-8 name][data].</summary>
    private byte[] _payload;

    public long Czxid { get; internal set; }
    public long Mzxid { get; internal set; }
    public long Pzxid { get; internal set; }
    public long Ctime { get; internal set; }
    public long Mtime { get; internal set; }
    public int Version { get; internal set; }

    /// <summary>The stored child-creation counter C: cversion shown is 2C - numChildren, and C is the sequence counter.</summary>
    public int ChildCreations { get; internal set; }
    public int Aversion { get; internal set; }
    internal int AclIndex;

    internal ZNode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, bool dataIsNull)
    {
        _payload = Compose(dataIsNull ? NodeFlags.DataNull : NodeFlags.None, name, data);
    }

    /// <summary>Copies a leaf into a <see cref="ZParentNode"/> when it gets its first child.</summary>
    protected ZNode(ZNode source)
    {
        _payload = source._payload;
        Czxid = source.Czxid;
        Mzxid = source.Mzxid;
        Pzxid = source.Pzxid;
        Ctime = source.Ctime;
        Mtime = source.Mtime;
        Version = source.Version;
        ChildCreations = source.ChildCreations;
        Aversion = source.Aversion;
        AclIndex = source.AclIndex;
    }

    private static byte[] Compose(NodeFlags flags, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        int len = name.Length;
        int prefix = len < 0x80 ? 2 : len < 0x4000 ? 3 : 4;
        var payload = new byte[prefix + len + data.Length];
        payload[0] = (byte)flags;
        if (prefix == 2) payload[1] = (byte)len;
        else if (prefix == 3)
        {
            payload[1] = (byte)(len | 0x80);
            payload[2] = (byte)(len >> 7);
        }
        else
        {
            payload[1] = (byte)(len | 0x80);
            payload[2] = (byte)((len >> 7) | 0x80);
            payload[3] = (byte)(len >> 14);
        }
        name.CopyTo(payload.AsSpan(prefix));
        data.CopyTo(payload.AsSpan(prefix + len));
        return payload;
    }

    private (int Offset, int Length) NameRange()
    {
        var p = _payload;
        int b = p[1];
        if (b < 0x80) return (2, b);
        int len = b & 0x7F;
        b = p[2];
        if (b < 0x80) return (3, len | (b << 7));
        return (4, len | ((b & 0x7F) << 7) | (p[3] << 14));
    }

    internal NodeFlags Flags
    {
        get => (NodeFlags)_payload[0];
        set => _payload[0] = (byte)value;
    }

    public ReadOnlySpan<byte> NameBytes
    {
        get
        {
            var (offset, length) = NameRange();
            return _payload.AsSpan(offset, length);
        }
    }

    public string Name => Encoding.UTF8.GetString(NameBytes);

    public bool DataIsNull => (Flags & NodeFlags.DataNull) != 0;

    public ReadOnlySpan<byte> Data
    {
        get
        {
            var (offset, length) = NameRange();
            return _payload.AsSpan(offset + length);
        }
    }

    public int DataLength => Data.Length;

    /// <summary>A copy of the data, null when the node was given null data.</summary>
    public byte[]? DataCopy() => DataIsNull ? null : Data.ToArray();

    /// <summary>The children, or null for a node without any.</summary>
    internal ChildSet? Children => (this as ZParentNode)?.ChildSetOrNull;

    public int ChildCount => Children?.Count ?? 0;

    internal void SetData(ReadOnlySpan<byte> data, bool isNull)
    {
        var flags = isNull ? Flags | NodeFlags.DataNull : Flags & ~NodeFlags.DataNull;
        _payload = Compose(flags, NameBytes, data);
    }
}

/// <summary>A znode that has (or has had) children. Root is always one.</summary>
public sealed class ZParentNode : ZNode
{
    internal ChildSet? ChildSetOrNull;

    internal ZParentNode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, bool dataIsNull) : base(name, data, dataIsNull) { }

    internal ZParentNode(ZNode leaf) : base(leaf) { }

    internal ChildSet EnsureChildren() => ChildSetOrNull ??= new ChildSet();

    /// <summary>Drops the child set once it is empty, to give its memory back.</summary>
    internal void TrimChildren()
    {
        if (ChildSetOrNull is { Count: 0 }) ChildSetOrNull = null;
    }
}
