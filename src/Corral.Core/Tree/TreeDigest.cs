using System.Buffers.Binary;
using System.Text;

namespace Corral.Core.Tree;

/// <summary>
/// A deterministic 64-bit FNV-1a hash of one node (path, data and stored stat counters). The tree
/// digest is the wrapping sum of all node hashes, updated incrementally on every change, so two
/// replicas at the same zxid can be compared in O(1), like ZooKeeper's DigestCalculator.
/// </summary>
internal static class TreeDigest
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static long NodeHash(string path, ZNode node, long rawOwner)
    {
        ulong h = Offset;
        Span<byte> buf = stackalloc byte[256];
        if (Encoding.UTF8.GetMaxByteCount(path.Length) <= buf.Length)
            h = Add(h, buf[..Encoding.UTF8.GetBytes(path, buf)]);
        else
            h = Add(h, Encoding.UTF8.GetBytes(path));
        h = Add(h, node.DataIsNull ? 0xFFUL : 0x00UL);
        h = Add(h, node.Data);
        Span<byte> fields = stackalloc byte[8 * 6 + 4 * 3];
        BinaryPrimitives.WriteInt64LittleEndian(fields, node.Czxid);
        BinaryPrimitives.WriteInt64LittleEndian(fields[8..], node.Mzxid);
        BinaryPrimitives.WriteInt64LittleEndian(fields[16..], node.Pzxid);
        BinaryPrimitives.WriteInt64LittleEndian(fields[24..], node.Ctime);
        BinaryPrimitives.WriteInt64LittleEndian(fields[32..], node.Mtime);
        BinaryPrimitives.WriteInt64LittleEndian(fields[40..], rawOwner);
        BinaryPrimitives.WriteInt32LittleEndian(fields[48..], node.Version);
        BinaryPrimitives.WriteInt32LittleEndian(fields[52..], node.ChildCreations);
        BinaryPrimitives.WriteInt32LittleEndian(fields[56..], node.Aversion);
        h = Add(h, fields);
        return (long)h;
    }

    private static ulong Add(ulong h, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) h = (h ^ b) * Prime;
        return h;
    }

    private static ulong Add(ulong h, ulong b) => (h ^ b) * Prime;
}
