using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Corral.Core.Tree;

/// <summary>
/// A deterministic 64-bit hash of one node (path, data and stored stat counters). The tree digest is
/// the wrapping sum of all node hashes, updated incrementally on every change, so two replicas at the
/// same zxid can be compared in O(1), like ZooKeeper's DigestCalculator. The data is hashed with
/// <see cref="XxHash64"/> on its own (no copy), and that hash seeds the hash of the path and fields.
/// </summary>
internal static class TreeDigest
{
    private const int FieldsLength = 1 + 8 * 6 + 4 * 3;

    public static long NodeHash(string path, ZNode node, long rawOwner)
    {
        int max = Encoding.UTF8.GetMaxByteCount(path.Length);
        byte[]? rented = null;
        Span<byte> buf = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int n = Encoding.UTF8.GetBytes(path, buf);
            return NodeHash(buf[..n], node, rawOwner);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>As <see cref="NodeHash(string, ZNode, long)"/> for a path already in UTF-8 (snapshot loading).</summary>
    public static long NodeHash(ReadOnlySpan<byte> pathUtf8, ZNode node, long rawOwner)
    {
        ulong dataHash = XxHash64.Hash(node.Data);
        int max = pathUtf8.Length + FieldsLength;
        byte[]? rented = null;
        Span<byte> buf = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            pathUtf8.CopyTo(buf);
            int n = pathUtf8.Length;
            var fields = buf[n..];
            fields[0] = node.DataIsNull ? (byte)0xFF : (byte)0x00;
            BinaryPrimitives.WriteInt64LittleEndian(fields[1..], node.Czxid);
            BinaryPrimitives.WriteInt64LittleEndian(fields[9..], node.Mzxid);
            BinaryPrimitives.WriteInt64LittleEndian(fields[17..], node.Pzxid);
            BinaryPrimitives.WriteInt64LittleEndian(fields[25..], node.Ctime);
            BinaryPrimitives.WriteInt64LittleEndian(fields[33..], node.Mtime);
            BinaryPrimitives.WriteInt64LittleEndian(fields[41..], rawOwner);
            BinaryPrimitives.WriteInt32LittleEndian(fields[49..], node.Version);
            BinaryPrimitives.WriteInt32LittleEndian(fields[53..], node.ChildCreations);
            BinaryPrimitives.WriteInt32LittleEndian(fields[57..], node.Aversion);
            return (long)XxHash64.Hash(buf[..(n + FieldsLength)], dataHash);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
