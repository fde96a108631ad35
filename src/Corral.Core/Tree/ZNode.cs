using System.Text;

namespace Corral.Core.Tree;

/// <summary>
/// One znode, laid out to keep memory small at millions of nodes: the node stores only its own name
/// (not its full path) and no parent pointer, the name and data share one byte array, the ACL is an
/// index into the shared <see cref="AclCache"/>, and the rare non-zero ephemeralOwner values live in a
/// side table of the <see cref="DataTree"/>. Roughly 96 bytes of object plus the payload array and one
/// slot in the parent's <see cref="ChildSet"/>.
/// </summary>
public sealed class ZNode
{
    [Flags]
    internal enum NodeFlags : byte
    {
        None = 0,
        DataNull = 1,
        HasOwner = 2,
    }

    /// <summary>UTF-8 name bytes followed by the data bytes.</summary>
    private byte[] _payload;
    private readonly int _nameLength;
    internal NodeFlags Flags;
    internal ChildSet? Children;

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
        _nameLength = name.Length;
        _payload = Compose(name, data);
        Flags = dataIsNull ? NodeFlags.DataNull : NodeFlags.None;
    }

    private static byte[] Compose(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        var payload = new byte[name.Length + data.Length];
        name.CopyTo(payload);
        data.CopyTo(payload.AsSpan(name.Length));
        return payload;
    }

    public ReadOnlySpan<byte> NameBytes => _payload.AsSpan(0, _nameLength);
    public string Name => Encoding.UTF8.GetString(NameBytes);

    public bool DataIsNull => (Flags & NodeFlags.DataNull) != 0;
    public ReadOnlySpan<byte> Data => _payload.AsSpan(_nameLength);
    public int DataLength => _payload.Length - _nameLength;

    /// <summary>A copy of the data, null when the node was given null data.</summary>
    public byte[]? DataCopy() => DataIsNull ? null : Data.ToArray();

    public int ChildCount => Children?.Count ?? 0;

    internal void SetData(ReadOnlySpan<byte> data, bool isNull)
    {
        _payload = Compose(NameBytes, data);
        Flags = isNull ? Flags | NodeFlags.DataNull : Flags & ~NodeFlags.DataNull;
    }

    internal ChildSet EnsureChildren() => Children ??= new ChildSet();
}
