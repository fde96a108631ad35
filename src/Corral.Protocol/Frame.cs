using System.Buffers;
using System.Buffers.Binary;

namespace Corral.Protocol;

/// <summary>What <see cref="Frame.TryReadFrame"/> found at the start of a buffer.</summary>
public enum FrameStatus
{
    /// <summary>A whole frame was present; its payload was returned and the buffer advanced past it.</summary>
    Complete,
    /// <summary>More bytes are needed; the buffer is unchanged.</summary>
    Incomplete,
    /// <summary>The length prefix is negative or larger than <see cref="Frame.MaxFrameLength"/>: close the connection.</summary>
    Invalid,
}

/// <summary>
/// Every message in both directions is a 4-byte big-endian signed length followed by that many
/// payload bytes. ZooKeeper drops a connection whose frame length is outside 0..jute.maxbuffer.
/// </summary>
public static class Frame
{
    /// <summary>jute.maxbuffer's default (1,048,575): the largest payload a stock client or server accepts.</summary>
    public const int MaxFrameLength = 0xFFFFF;

    public const int LengthPrefixSize = 4;

    /// <summary>
    /// Slices one frame off the front of <paramref name="buffer"/>. On Complete, <paramref name="payload"/>
    /// is the payload (without the prefix) and <paramref name="buffer"/> starts after it. On Incomplete
    /// or Invalid, <paramref name="buffer"/> is left as it was and <paramref name="length"/> holds the
    /// declared length when the prefix was readable (else -1).
    /// </summary>
    public static FrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload, out int length)
    {
        payload = default;
        length = -1;
        if (buffer.Length < LengthPrefixSize) return FrameStatus.Incomplete;

        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        buffer.Slice(0, LengthPrefixSize).CopyTo(prefix);
        length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 0 || length > MaxFrameLength) return FrameStatus.Invalid;
        if (buffer.Length - LengthPrefixSize < length) return FrameStatus.Incomplete;

        payload = buffer.Slice(LengthPrefixSize, length);
        buffer = buffer.Slice(payload.End);
        return FrameStatus.Complete;
    }

    /// <inheritdoc cref="TryReadFrame(ref ReadOnlySequence{byte}, out ReadOnlySequence{byte}, out int)"/>
    public static FrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload) =>
        TryReadFrame(ref buffer, out payload, out _);

    /// <summary>
    /// The same check over a contiguous span; on Complete, <paramref name="frameSize"/> is the number
    /// of bytes consumed (prefix plus payload).
    /// </summary>
    public static FrameStatus TryReadFrame(ReadOnlySpan<byte> buffer, out ReadOnlySpan<byte> payload, out int frameSize)
    {
        payload = default;
        frameSize = 0;
        if (buffer.Length < LengthPrefixSize) return FrameStatus.Incomplete;
        int length = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (length < 0 || length > MaxFrameLength) return FrameStatus.Invalid;
        if (buffer.Length - LengthPrefixSize < length) return FrameStatus.Incomplete;
        payload = buffer.Slice(LengthPrefixSize, length);
        frameSize = LengthPrefixSize + length;
        return FrameStatus.Complete;
    }
}
