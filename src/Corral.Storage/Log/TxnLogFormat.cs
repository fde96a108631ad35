using System.Buffers.Binary;

namespace Corral.Storage.Log;

/// <summary>
/// The transaction log's on-disk format (see docs/storage.md). All integers are big-endian.
/// <code>
/// segment file  log.&lt;first zxid in lower-case hex&gt;   (like ZooKeeper's log.1a2b)
///   header (24 bytes)
///     u32 magic      0x43524C47 "CRLG"
///     u32 version    1
///     i64 firstZxid  zxid of the first record; equals the file name
///     u32 reserved   0
///     u32 headerCrc  CRC-32C of the 20 bytes above
///   records, back to back from offset 24:
///     u32 length     bytes after the crc field = 8 + payload length (never 0)
///     u32 crc        CRC-32C of length, zxid and payload (every record byte except this field)
///     i64 zxid
///     payload        the transaction, opaque to storage
///   then zeros up to the end of the file (preallocated space).
/// </code>
/// A length of 0 marks the logical end of the data: files are preallocated with zeros and a
/// record is written after its predecessor. Everything past the logical end must be zero;
/// anything else is a torn or corrupt tail (see <see cref="SegmentReader"/>).
/// </summary>
public static class TxnLogFormat
{
    public const uint Magic = 0x43524C47; // "CRLG"
    public const uint Version = 1;
    public const int HeaderSize = 24;
    public const int RecordHeaderSize = 16; // length + crc + zxid
    public const string SegmentPrefix = "log.";

    public static string SegmentName(long firstZxid) => SegmentPrefix + Zxid.ToHex(firstZxid);

    public static bool TryParseSegmentName(string fileName, out long firstZxid)
    {
        firstZxid = 0;
        return fileName.StartsWith(SegmentPrefix, StringComparison.Ordinal)
            && Zxid.TryParseHex(fileName.AsSpan(SegmentPrefix.Length), out firstZxid);
    }

    /// <summary>The log segments in <paramref name="directory"/>, oldest first.</summary>
    public static List<(long FirstZxid, string Path)> ListSegments(FileSystem.IStorageFileSystem fs, string directory)
    {
        var result = new List<(long, string)>();
        foreach (var name in fs.ListFiles(directory))
            if (TryParseSegmentName(name, out long zxid))
                result.Add((zxid, System.IO.Path.Combine(directory, name)));
        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    public static void WriteHeader(Span<byte> dest, long firstZxid)
    {
        BinaryPrimitives.WriteUInt32BigEndian(dest, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], Version);
        BinaryPrimitives.WriteInt64BigEndian(dest[8..], firstZxid);
        BinaryPrimitives.WriteUInt32BigEndian(dest[16..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(dest[20..], Crc32C.Compute(dest[..20]));
    }

    /// <summary>Parses a header; returns null and a reason when it is not a valid one.</summary>
    public static long? TryReadHeader(ReadOnlySpan<byte> header, out string? error)
    {
        error = null;
        if (header.Length < HeaderSize) { error = $"file is shorter than the {HeaderSize}-byte header"; return null; }
        if (BinaryPrimitives.ReadUInt32BigEndian(header) != Magic) { error = "bad magic (not a Corral transaction log)"; return null; }
        if (BinaryPrimitives.ReadUInt32BigEndian(header[20..]) != Crc32C.Compute(header[..20])) { error = "header checksum mismatch"; return null; }
        uint version = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (version != Version) { error = $"unsupported log format version {version} (this build reads {Version})"; return null; }
        return BinaryPrimitives.ReadInt64BigEndian(header[8..]);
    }

    public static int RecordSize(int payloadLength) => RecordHeaderSize + payloadLength;

    /// <summary>Encodes one record into <paramref name="dest"/> (exactly <see cref="RecordSize"/> bytes).</summary>
    public static void WriteRecord(Span<byte> dest, long zxid, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32BigEndian(dest, (uint)(8 + payload.Length));
        BinaryPrimitives.WriteInt64BigEndian(dest[8..], zxid);
        payload.CopyTo(dest[16..]);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], RecordCrc(dest[..RecordSize(payload.Length)]));
    }

    /// <summary>CRC of a whole encoded record, skipping its crc field.</summary>
    public static uint RecordCrc(ReadOnlySpan<byte> record) =>
        Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.InitialState, record[..4]), record[8..]));
}
