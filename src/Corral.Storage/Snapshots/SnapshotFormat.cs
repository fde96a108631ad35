using System.Buffers.Binary;

namespace Corral.Storage.Snapshots;

/// <summary>
/// The snapshot file format (see docs/storage.md). Big-endian integers.
/// <code>
/// file  snap.&lt;zxid in lower-case hex&gt;   (written as snap.&lt;zxid&gt;.tmp, then renamed)
///   header (24 bytes)
///     u32 magic      0x4352534E "CRSN"
///     u32 version    1
///     i64 zxid       last zxid applied when serialisation started (the snapshot may be fuzzy:
///                    it can also contain effects of later transactions, which replay re-applies idempotently)
///     u32 reserved   0
///     u32 headerCrc  CRC-32C of the 20 bytes above
///   content          written and read by the server core (tree, ACLs, counters, sessions); opaque here
///   trailer (16 bytes)
///     i64 contentLength
///     u32 contentCrc  CRC-32C of the content
///     u32 endMagic    0x43524E44 "CRND"
/// </code>
/// A snapshot is valid only if the header, the trailer, the length and the content checksum all
/// agree and the zxid matches the file name; anything else (a partial write, a flipped bit) is
/// skipped in favour of the next older snapshot.
/// </summary>
public static class SnapshotFormat
{
    public const uint Magic = 0x4352534E;
    public const uint EndMagic = 0x43524E44;
    public const uint Version = 1;
    public const int HeaderSize = 24;
    public const int TrailerSize = 16;
    public const string Prefix = "snap.";
    public const string TempSuffix = ".tmp";

    public static string FileName(long zxid) => Prefix + Zxid.ToHex(zxid);

    /// <summary>Parses a final (not .tmp) snapshot file name.</summary>
    public static bool TryParseFileName(string fileName, out long zxid)
    {
        zxid = 0;
        return fileName.StartsWith(Prefix, StringComparison.Ordinal)
            && !fileName.EndsWith(TempSuffix, StringComparison.Ordinal)
            && Zxid.TryParseHex(fileName.AsSpan(Prefix.Length), out zxid);
    }

    public static void WriteHeader(Span<byte> dest, long zxid)
    {
        BinaryPrimitives.WriteUInt32BigEndian(dest, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], Version);
        BinaryPrimitives.WriteInt64BigEndian(dest[8..], zxid);
        BinaryPrimitives.WriteUInt32BigEndian(dest[16..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(dest[20..], Crc32C.Compute(dest[..20]));
    }

    public static long? TryReadHeader(ReadOnlySpan<byte> header, out string? error)
    {
        error = null;
        if (header.Length < HeaderSize) { error = "file is shorter than the header"; return null; }
        if (BinaryPrimitives.ReadUInt32BigEndian(header) != Magic) { error = "bad magic (not a Corral snapshot)"; return null; }
        if (BinaryPrimitives.ReadUInt32BigEndian(header[20..]) != Crc32C.Compute(header[..20])) { error = "header checksum mismatch"; return null; }
        uint version = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (version != Version) { error = $"unsupported snapshot version {version}"; return null; }
        return BinaryPrimitives.ReadInt64BigEndian(header[8..]);
    }

    public static void WriteTrailer(Span<byte> dest, long contentLength, uint contentCrc)
    {
        BinaryPrimitives.WriteInt64BigEndian(dest, contentLength);
        BinaryPrimitives.WriteUInt32BigEndian(dest[8..], contentCrc);
        BinaryPrimitives.WriteUInt32BigEndian(dest[12..], EndMagic);
    }
}
