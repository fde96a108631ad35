using System.Buffers.Binary;
using Corral.Storage.FileSystem;

namespace Corral.Storage.Log;

/// <summary>How reading a segment ended.</summary>
public enum SegmentEnd
{
    /// <summary>Still reading.</summary>
    None,
    /// <summary>A zero length (or the end of the file) with only zeros after it.</summary>
    Clean,
    /// <summary>A record that fails its checks, or non-zero bytes after the end marker.</summary>
    Damaged,
}

/// <summary>
/// Reads the records of one segment sequentially through a large buffer. After
/// <see cref="TryReadNext"/> returns false, <see cref="End"/> says whether the data ended cleanly
/// or at a damaged record (<see cref="Position"/> is then the damaged record's offset), and
/// <see cref="FindValidRecordAfter"/> tells a torn tail (nothing valid after the damage) from
/// corruption in the middle (valid records follow it).
/// The reader validates structure and checksums only; zxid continuity is the caller's rule.
/// </summary>
public sealed class SegmentReader
{
    private const int DefaultBufferSize = 1 << 20;
    private const long MaxEpochDistance = 1024;
    private readonly IStorageFile _file;
    private readonly long _fileLength;
    private readonly int _maxRecordBytes;
    private byte[] _buffer = new byte[DefaultBufferSize];
    private long _bufferStart;
    private int _bufferCount;

    public SegmentReader(IStorageFile file, int maxRecordBytes)
    {
        _file = file;
        _fileLength = file.Length;
        _maxRecordBytes = maxRecordBytes;
        Position = TxnLogFormat.HeaderSize;
    }

    public long FileLength => _fileLength;

    /// <summary>Offset of the next record; after a damaged end, of the damaged record; after a clean end, the logical end.</summary>
    public long Position { get; private set; }

    public SegmentEnd End { get; private set; }

    /// <summary>Why the segment ended damaged.</summary>
    public string? DamageReason { get; private set; }

    /// <summary>Offset just past the last non-zero byte of the file (computed on demand).</summary>
    public long DataExtent => _dataExtent ??= FindDataExtent();
    private long? _dataExtent;

    /// <summary>Reads the header; returns its first zxid, or null with a reason.</summary>
    public long? ReadHeader(out string? error)
    {
        if (!Ensure(0, TxnLogFormat.HeaderSize))
        {
            error = $"file is shorter than the {TxnLogFormat.HeaderSize}-byte header";
            return null;
        }
        return TxnLogFormat.TryReadHeader(Window(0, TxnLogFormat.HeaderSize), out error);
    }

    public bool TryReadNext(out long zxid, out ReadOnlySpan<byte> payload)
    {
        zxid = 0;
        payload = default;
        if (End != SegmentEnd.None) return false;

        long pos = Position;
        long remaining = _fileLength - pos;
        if (remaining < 4 || ReadLength(pos) == 0)
        {
            // End marker (or end of file). Everything after it must be zero, or something was
            // written past what we consider the end: a torn record whose length field is damaged.
            if (DataExtent <= pos) { End = SegmentEnd.Clean; return false; }
            return Damaged("non-zero bytes after the end-of-data marker");
        }
        uint length = ReadLength(pos);
        if (length < 8 || length - 8 > (uint)_maxRecordBytes) return Damaged($"implausible record length {length}");
        if (remaining < 8 + (long)length) return Damaged($"record of {length + 8} bytes runs past the end of the file");
        if (!Ensure(pos, 8 + (int)length)) return Damaged("record could not be read");

        var record = Window(pos, 8 + (int)length);
        if (BinaryPrimitives.ReadUInt32BigEndian(record[4..]) != TxnLogFormat.RecordCrc(record))
            return Damaged("record checksum mismatch");

        zxid = BinaryPrimitives.ReadInt64BigEndian(record[8..]);
        payload = record[16..];
        Position = pos + 8 + length;
        return true;
    }

    /// <summary>
    /// Looks for any structurally valid record (good length and checksum, zxid above
    /// <paramref name="afterZxid"/>) starting after <paramref name="damagedOffset"/>. Returns its
    /// offset, or -1 when the damage is only followed by garbage and zeros (a torn tail).
    /// Slow (tries every offset) but only runs when damage was found.
    /// </summary>
    public long FindValidRecordAfter(long damagedOffset, long afterZxid)
    {
        long extent = DataExtent;
        for (long p = damagedOffset + 1; p + TxnLogFormat.RecordHeaderSize <= extent; p++)
        {
            if (!Ensure(p, TxnLogFormat.RecordHeaderSize)) break;
            var head = Window(p, TxnLogFormat.RecordHeaderSize);
            uint length = BinaryPrimitives.ReadUInt32BigEndian(head);
            if (length < 8 || length - 8 > (uint)_maxRecordBytes || p + 8 + (long)length > _fileLength) continue;
            long zxid = BinaryPrimitives.ReadInt64BigEndian(head[8..]);
            // A record that could really follow sits in the same or a slightly later epoch; this
            // also keeps random garbage from sending us into many large checksum reads.
            if (zxid <= afterZxid || Zxid.Counter(zxid) == 0 || Zxid.Epoch(zxid) - Zxid.Epoch(afterZxid) > MaxEpochDistance) continue;
            if (!Ensure(p, 8 + (int)length)) continue;
            var record = Window(p, 8 + (int)length);
            if (BinaryPrimitives.ReadUInt32BigEndian(record[4..]) == TxnLogFormat.RecordCrc(record)) return p;
        }
        return -1;
    }

    private bool Damaged(string reason)
    {
        End = SegmentEnd.Damaged;
        DamageReason = reason;
        return false;
    }

    private uint ReadLength(long pos) =>
        Ensure(pos, 4) ? BinaryPrimitives.ReadUInt32BigEndian(Window(pos, 4)) : 0;

    private ReadOnlySpan<byte> Window(long pos, int count) => _buffer.AsSpan((int)(pos - _bufferStart), count);

    /// <summary>Makes bytes [pos, pos+count) available in the buffer; false if the file is shorter.</summary>
    private bool Ensure(long pos, int count)
    {
        if (pos >= _bufferStart && pos + count <= _bufferStart + _bufferCount) return true;
        if (pos + count > _fileLength) return false;
        if (_buffer.Length < count) _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
        _bufferStart = pos;
        _bufferCount = _file.ReadFully(pos, _buffer.AsSpan(0, (int)Math.Min(_buffer.Length, _fileLength - pos)));
        return _bufferCount >= count;
    }

    private long FindDataExtent()
    {
        // Scan backwards for the last non-zero byte; preallocated tails are long runs of zeros.
        var chunk = new byte[1 << 20];
        long end = _fileLength;
        while (end > 0)
        {
            int size = (int)Math.Min(chunk.Length, end);
            long start = end - size;
            int read = _file.ReadFully(start, chunk.AsSpan(0, size));
            int last = chunk.AsSpan(0, read).LastIndexOfAnyExcept((byte)0);
            if (last >= 0) return start + last + 1;
            end = start;
        }
        return 0;
    }
}
