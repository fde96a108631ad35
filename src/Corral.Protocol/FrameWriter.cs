using System.Buffers;
using System.Buffers.Binary;

namespace Corral.Protocol;

/// <summary>Thrown by <see cref="FrameWriter.FinishFrame"/> when a payload exceeds <see cref="Frame.MaxFrameLength"/>.</summary>
public sealed class FrameTooLargeException(int length)
    : InvalidOperationException($"frame payload of {length} bytes exceeds the {Frame.MaxFrameLength}-byte limit")
{
    public int Length { get; } = length;
}

/// <summary>
/// Builds outgoing frames in one ArrayPool buffer: <see cref="BeginFrame"/> reserves the 4-byte
/// length, a <see cref="JuteWriter"/> over this writer writes the payload, and
/// <see cref="FinishFrame"/> back-patches the length. Several frames may be built back to back and
/// sent together from <see cref="WrittenMemory"/>; <see cref="Reset"/> reuses the buffer, so steady
/// state encoding allocates nothing. Not thread-safe; Dispose returns the buffer to the pool.
/// </summary>
public sealed class FrameWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;
    private int _frameStart = -1;

    public FrameWriter(int initialCapacity = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    /// <summary>All bytes written so far: finished frames, plus any frame still in progress.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public int WrittenCount => _written;

    public bool InFrame => _frameStart >= 0;

    /// <summary>Starts a frame by reserving its length prefix.</summary>
    public void BeginFrame()
    {
        if (InFrame) throw new InvalidOperationException("a frame is already in progress");
        _frameStart = _written;
        GetSpan(Frame.LengthPrefixSize);
        _written += Frame.LengthPrefixSize;
    }

    /// <summary>Writes one whole frame holding <paramref name="record"/>: a ConnectResponse, or a header alone (ping or error reply).</summary>
    /// <exception cref="FrameTooLargeException">The payload is too large; nothing is kept.</exception>
    public int WriteFrame<T>(T record) where T : IJuteRecord
    {
        BeginFrame();
        var w = new JuteWriter(this);
        record.Write(ref w);
        return FinishFrame();
    }

    /// <summary>
    /// Writes one whole frame: a header (RequestHeader or ReplyHeader) then an optional body.
    /// Generic so that struct headers are not boxed.
    /// </summary>
    /// <exception cref="FrameTooLargeException">The payload is too large; nothing is kept.</exception>
    public int WriteFrame<THeader, TBody>(THeader header, TBody? body)
        where THeader : IJuteRecord
        where TBody : IJuteRecord
    {
        BeginFrame();
        var w = new JuteWriter(this);
        header.Write(ref w);
        body?.Write(ref w);
        return FinishFrame();
    }

    /// <summary>Writes the payload length into the reserved prefix and returns that length.</summary>
    /// <exception cref="FrameTooLargeException">The payload is too large; the frame is discarded.</exception>
    public int FinishFrame()
    {
        if (!TryFinishFrame(out int length)) throw new FrameTooLargeException(length);
        return length;
    }

    /// <summary>
    /// Like <see cref="FinishFrame"/>, but an oversized frame is discarded (the writer rewinds to where
    /// the frame began) and false is returned, so the caller can send an error reply instead.
    /// </summary>
    public bool TryFinishFrame(out int payloadLength)
    {
        if (!InFrame) throw new InvalidOperationException("no frame in progress");
        payloadLength = _written - _frameStart - Frame.LengthPrefixSize;
        if (payloadLength > Frame.MaxFrameLength)
        {
            CancelFrame();
            return false;
        }
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_frameStart), payloadLength);
        _frameStart = -1;
        return true;
    }

    /// <summary>Discards the frame in progress.</summary>
    public void CancelFrame()
    {
        if (!InFrame) return;
        _written = _frameStart;
        _frameStart = -1;
    }

    /// <summary>Forgets everything written; the pooled buffer is kept for the next frames.</summary>
    public void Reset()
    {
        _written = 0;
        _frameStart = -1;
    }

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void EnsureCapacity(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed) return;
        int newSize = (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_written + needed));
        var bigger = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        _frameStart = -1;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
