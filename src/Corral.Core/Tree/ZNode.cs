using System.Buffers.Binary;
using System.Text;

namespace Corral.Core.Tree;

/// <summary>
/// One znode, laid out to keep memory small at millions of nodes. A leaf is a 40-byte object (header,
/// two references, the data version and the ACL index) plus one byte array holding flags, the stamps
/// (czxid and ctime; mzxid and mtime only once they differ from those), the UTF-8 name and the data.
/// The node stores no full path and no parent pointer; the ACL is an index into the shared
/// <see cref="AclCache"/>. Stat fields that are default for almost every leaf — pzxid (= czxid until a
/// child is created), the child-creation counter, aversion and the ephemeral owner — live in a
/// <see cref="ZNodeExtra"/> allocated only when one of them is set. Only nodes that have ever had a
/// child carry a child set (<see cref="ZParentNode"/>).
/// </summary>
/// <remarks>
/// The data bytes of a payload array are never changed in place: setting data builds a new array, so
/// a span over <see cref="Data"/> stays valid for the reply being written. Stamps are rewritten in
/// place when the layout allows it.
/// </remarks>
public class ZNode
{
    [Flags]
    internal enum NodeFlags : byte
    {
        None = 0,
        DataNull = 1,
        /// <summary>The payload holds mzxid and mtime after czxid and ctime (they differ from them).</summary>
        Modified = 2,
    }

    private const int CzxidAt = 1;
    private const int CtimeAt = 9;
    private const int MzxidAt = 17;
    private const int MtimeAt = 25;
    private const int CompactStampsEnd = 17;
    private const int ModifiedStampsEnd = 33;

    /// <summary>[flags][czxid][ctime]([mzxid][mtime] when Modified)[name length, 1-3 byte varint][UTF-8 name][data], longs little-endian.</summary>
    private byte[] _payload;
    private ZNodeExtra? _extra;

    public int Version { get; internal set; }
    internal int AclIndex;

    internal ZNode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, bool dataIsNull)
        : this(name, data, dataIsNull, 0, 0) { }

    /// <summary>A fresh node: czxid = mzxid = pzxid = <paramref name="zxid"/>, ctime = mtime = <paramref name="time"/>.</summary>
    internal ZNode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, bool dataIsNull, long zxid, long time)
    {
        _payload = Compose(dataIsNull ? NodeFlags.DataNull : NodeFlags.None, zxid, time, zxid, time, name, data);
    }

    /// <summary>Takes over a leaf's state when it becomes a <see cref="ZParentNode"/> (the leaf is dropped).</summary>
    protected ZNode(ZNode source)
    {
        _payload = source._payload;
        _extra = source._extra;
        Version = source.Version;
        AclIndex = source.AclIndex;
    }

    private static byte[] Compose(NodeFlags flags, long czxid, long ctime, long mzxid, long mtime,
        ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        bool modified = czxid != mzxid || ctime != mtime;
        flags = modified ? flags | NodeFlags.Modified : flags & ~NodeFlags.Modified;
        int stampsEnd = modified ? ModifiedStampsEnd : CompactStampsEnd;
        int len = name.Length;
        int prefix = len < 0x80 ? 1 : len < 0x4000 ? 2 : 3;
        var payload = new byte[stampsEnd + prefix + len + data.Length];
        payload[0] = (byte)flags;
        var p = payload.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(p[CzxidAt..], czxid);
        BinaryPrimitives.WriteInt64LittleEndian(p[CtimeAt..], ctime);
        if (modified)
        {
            BinaryPrimitives.WriteInt64LittleEndian(p[MzxidAt..], mzxid);
            BinaryPrimitives.WriteInt64LittleEndian(p[MtimeAt..], mtime);
        }
        int at = stampsEnd;
        if (prefix == 1) payload[at] = (byte)len;
        else if (prefix == 2)
        {
            payload[at] = (byte)(len | 0x80);
            payload[at + 1] = (byte)(len >> 7);
        }
        else
        {
            payload[at] = (byte)(len | 0x80);
            payload[at + 1] = (byte)((len >> 7) | 0x80);
            payload[at + 2] = (byte)(len >> 14);
        }
        name.CopyTo(p[(at + prefix)..]);
        data.CopyTo(p[(at + prefix + len)..]);
        return payload;
    }

    private (int Offset, int Length) NameRange()
    {
        var p = _payload;
        int at = (p[0] & (byte)NodeFlags.Modified) != 0 ? ModifiedStampsEnd : CompactStampsEnd;
        int b = p[at];
        if (b < 0x80) return (at + 1, b);
        int len = b & 0x7F;
        b = p[at + 1];
        if (b < 0x80) return (at + 2, len | (b << 7));
        return (at + 3, len | ((b & 0x7F) << 7) | (p[at + 2] << 14));
    }

    internal NodeFlags Flags => (NodeFlags)_payload[0];

    private bool IsModified => (Flags & NodeFlags.Modified) != 0;

    private long ReadLong(int at) => BinaryPrimitives.ReadInt64LittleEndian(_payload.AsSpan(at, 8));

    public long Czxid
    {
        get => ReadLong(CzxidAt);
        internal set => Restamp(value, Ctime, Mzxid, Mtime);
    }

    public long Ctime
    {
        get => ReadLong(CtimeAt);
        internal set => Restamp(Czxid, value, Mzxid, Mtime);
    }

    public long Mzxid
    {
        get => ReadLong(IsModified ? MzxidAt : CzxidAt);
        internal set => Restamp(Czxid, Ctime, value, Mtime);
    }

    public long Mtime
    {
        get => ReadLong(IsModified ? MtimeAt : CtimeAt);
        internal set => Restamp(Czxid, Ctime, Mzxid, value);
    }

    /// <summary>The zxid of the last change to the children; czxid until a child is created or deleted.</summary>
    public long Pzxid
    {
        get => _extra is { } e && e.Pzxid != ZNodeExtra.SameAsCzxid ? e.Pzxid : Czxid;
        internal set
        {
            if (_extra is null && value == Czxid) return;
            Extra().Pzxid = value;
        }
    }

    /// <summary>The stored child-creation counter C: cversion shown is 2C - numChildren, and C is the sequence counter.</summary>
    public int ChildCreations
    {
        get => _extra?.ChildCreations ?? 0;
        internal set
        {
            if (_extra is null && value == 0) return;
            Extra().ChildCreations = value;
        }
    }

    public int Aversion
    {
        get => _extra?.Aversion ?? 0;
        internal set
        {
            if (_extra is null && value == 0) return;
            Extra().Aversion = value;
        }
    }

    /// <summary>The ephemeralOwner as stored: a session id, a container or TTL marker, or 0.</summary>
    internal long RawOwner
    {
        get => _extra?.RawOwner ?? 0;
        set
        {
            if (_extra is null && value == 0) return;
            Extra().RawOwner = value;
        }
    }

    private ZNodeExtra Extra() => _extra ??= new ZNodeExtra();

    /// <summary>Writes the four stamps, in place when the compact/modified layout stays the same.</summary>
    private void Restamp(long czxid, long ctime, long mzxid, long mtime)
    {
        bool modified = czxid != mzxid || ctime != mtime;
        if (modified != IsModified)
        {
            var flags = Flags & NodeFlags.DataNull;
            _payload = Compose(flags, czxid, ctime, mzxid, mtime, NameBytes, Data);
            return;
        }
        var p = _payload.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(p[CzxidAt..], czxid);
        BinaryPrimitives.WriteInt64LittleEndian(p[CtimeAt..], ctime);
        if (modified)
        {
            BinaryPrimitives.WriteInt64LittleEndian(p[MzxidAt..], mzxid);
            BinaryPrimitives.WriteInt64LittleEndian(p[MtimeAt..], mtime);
        }
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

    public int DataLength
    {
        get
        {
            var (offset, length) = NameRange();
            return _payload.Length - offset - length;
        }
    }

    /// <summary>A copy of the data, null when the node was given null data.</summary>
    public byte[]? DataCopy() => DataIsNull ? null : Data.ToArray();

    /// <summary>The children, or null for a node without any.</summary>
    internal ChildSet? Children => (this as ZParentNode)?.ChildSetOrNull;

    public int ChildCount => Children?.Count ?? 0;

    /// <summary>Replaces the data, keeping every stamp.</summary>
    internal void SetData(ReadOnlySpan<byte> data, bool isNull) =>
        SetData(data, isNull, Version, Mzxid, Mtime);

    /// <summary>A setData transaction: new data, data version and modification stamps in one new payload.</summary>
    internal void SetData(ReadOnlySpan<byte> data, bool isNull, int version, long mzxid, long mtime)
    {
        var flags = isNull ? NodeFlags.DataNull : NodeFlags.None;
        _payload = Compose(flags, Czxid, Ctime, mzxid, mtime, NameBytes, data);
        Version = version;
    }

    /// <summary>Sets every stored stat counter at once, as a snapshot load does (one payload rebuild at most).</summary>
    internal void RestoreStat(long czxid, long mzxid, long pzxid, long ctime, long mtime,
        int version, int childCreations, int aversion)
    {
        Restamp(czxid, ctime, mzxid, mtime);
        Version = version;
        Pzxid = pzxid;
        ChildCreations = childCreations;
        Aversion = aversion;
    }
}

/// <summary>The stat fields a leaf rarely needs; allocated on the first non-default value.</summary>
internal sealed class ZNodeExtra
{
    /// <summary>Marks <see cref="Pzxid"/> as not set: the node's pzxid is its czxid.</summary>
    public const long SameAsCzxid = long.MinValue;

    public long Pzxid = SameAsCzxid;
    public long RawOwner;
    public int ChildCreations;
    public int Aversion;
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
