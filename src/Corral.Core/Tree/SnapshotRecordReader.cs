using System.Buffers.Binary;

namespace Corral.Core.Tree;

/// <summary>
/// Reads a snapshot's length-prefixed records out of large chunks of the stream, handing each record
/// out as a span of the chunk: loading 1M znodes then costs a few hundred reads instead of two
/// stream calls and one copy per record. A record that crosses a chunk's end is moved to the front
/// before the next read; one larger than the buffer grows it.
/// </summary>
internal sealed class SnapshotRecordReader(Stream input)
{
    private const int ChunkSize = 4 << 20;
    private byte[] _buffer = new byte[ChunkSize];
    private int _start, _end;

    /// <summary>The next big-endian int32 (a record length, or the version 2 digest's halves).</summary>
    public int ReadInt32()
    {
        Ensure(4);
        int value = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start));
        _start += 4;
        return value;
    }

    public long ReadInt64()
    {
        Ensure(8);
        long value = BinaryPrimitives.ReadInt64BigEndian(_buffer.AsSpan(_start));
        _start += 8;
        return value;
    }

    /// <summary>The next <paramref name="length"/> bytes; valid until the next call.</summary>
    public ReadOnlySpan<byte> Read(int length)
    {
        Ensure(length);
        var span = _buffer.AsSpan(_start, length);
        _start += length;
        return span;
    }

    private void Ensure(int count)
    {
        if (_end - _start >= count) return;
        int have = _end - _start;
        if (count > _buffer.Length)
        {
            var bigger = new byte[Math.Max(count, _buffer.Length * 2)];
            _buffer.AsSpan(_start, have).CopyTo(bigger);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_start, have).CopyTo(_buffer);
        }
        _start = 0;
        _end = have;
        while (_end < count)
        {
            int n = input.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) throw new EndOfStreamException("the snapshot ends in the middle of a record");
            _end += n;
        }
    }
}
