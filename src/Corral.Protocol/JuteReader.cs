using System.Buffers.Binary;
using System.Text;

namespace Corral.Protocol;

/// <summary>Thrown when bytes do not decode as the expected jute record (truncated, negative or oversized lengths, bad UTF-8).</summary>
public sealed class JuteException(string message) : FormatException(message);

/// <summary>
/// Reads jute's BinaryInputArchive encoding (big-endian ints and longs, length-prefixed buffers,
/// strings and vectors where -1 means null) from a span. It never reads past the span and never
/// trusts a length prefix: every length is checked against what remains before anything is allocated.
/// </summary>
public ref struct JuteReader
{
    /// <summary>jute.maxbuffer's default: the largest buffer, string or frame ZooKeeper accepts.</summary>
    public const int MaxBuffer = 0xFFFFF;

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public JuteReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;
    public readonly int Remaining => _buffer.Length - _position;
    public readonly bool IsAtEnd => _position >= _buffer.Length;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
            throw new JuteException($"record truncated: needed {count} bytes at offset {_position}, {Remaining} left");
        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    public byte ReadByte() => Take(1)[0];
    public bool ReadBool() => Take(1)[0] != 0;
    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));
    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>Reads a buffer; null when the length is -1.</summary>
    public byte[]? ReadBuffer()
    {
        int len = ReadLength("buffer");
        return len < 0 ? null : Take(len).ToArray();
    }

    /// <summary>Reads a buffer without copying; IsNull is true when the length is -1.</summary>
    public ReadOnlySpan<byte> ReadBufferSpan(out bool isNull)
    {
        int len = ReadLength("buffer");
        isNull = len < 0;
        return isNull ? ReadOnlySpan<byte>.Empty : Take(len);
    }

    /// <summary>Reads a ustring; null when the length is -1.</summary>
    public string? ReadString()
    {
        int len = ReadLength("string");
        if (len < 0) return null;
        var bytes = Take(len);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new JuteException("string is not valid UTF-8");
        }
    }

    /// <summary>
    /// Reads a vector's element count; -1 means null. A count that could not possibly fit in the
    /// remaining bytes (given the smallest encoding of one element) is rejected before allocation.
    /// </summary>
    public int ReadVectorCount(int minElementSize)
    {
        int count = ReadInt();
        if (count == -1) return -1;
        if (count < -1) throw new JuteException($"negative vector length {count}");
        if ((long)count * Math.Max(1, minElementSize) > Remaining)
            throw new JuteException($"vector length {count} exceeds the {Remaining} bytes left");
        return count;
    }

    /// <summary>Reads a vector&lt;ustring&gt;; null for count -1.</summary>
    public List<string>? ReadStringVector()
    {
        int n = ReadVectorCount(minElementSize: 4);
        if (n < 0) return null;
        var list = new List<string>(n);
        for (int i = 0; i < n; i++) list.Add(ReadString() ?? "");
        return list;
    }

    private int ReadLength(string what)
    {
        int len = ReadInt();
        if (len == -1) return -1;
        if (len < -1) throw new JuteException($"negative {what} length {len}");
        if (len > MaxBuffer) throw new JuteException($"{what} length {len} exceeds jute.maxbuffer ({MaxBuffer})");
        if (len > Remaining) throw new JuteException($"{what} length {len} exceeds the {Remaining} bytes left");
        return len;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
