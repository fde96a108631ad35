using System.Buffers;
using System.Buffers.Binary;

namespace Corral.Server.Network;

/// <summary>Outcome of trying to cut one frame off the front of the receive buffer.</summary>
public enum FrameCut
{
    /// <summary>Not enough bytes yet for the length prefix or the payload it announces.</summary>
    Incomplete,
    /// <summary>A whole frame was cut; the buffer now starts after it.</summary>
    Complete,
    /// <summary>The length prefix is negative or larger than jute.maxbuffer: the connection must be closed.</summary>
    InvalidLength,
}

/// <summary>
/// Cuts ZooKeeper frames (4-byte big-endian signed length, then that many payload bytes) out of a
/// pipe's buffer. Lengths outside 0..1,048,575 (jute.maxbuffer's default) are rejected before any
/// payload is awaited, so a hostile length can never make the server buffer a gigabyte.
/// </summary>
public static class FrameCutter
{
    public const int MaxFrameLength = 0xFFFFF;

    public static FrameCut TryCut(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload, out int declaredLength)
    {
        payload = default;
        declaredLength = 0;
        if (buffer.Length < 4) return FrameCut.Incomplete;
        declaredLength = ReadInt32BigEndian(buffer);
        if (declaredLength is < 0 or > MaxFrameLength) return FrameCut.InvalidLength;
        if (buffer.Length - 4 < declaredLength) return FrameCut.Incomplete;
        payload = buffer.Slice(4, declaredLength);
        buffer = buffer.Slice(payload.End);
        return FrameCut.Complete;
    }

    /// <summary>Reads the first four bytes of a sequence (which must hold at least four) as a big-endian int.</summary>
    public static int ReadInt32BigEndian(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.FirstSpan.Length >= 4) return BinaryPrimitives.ReadInt32BigEndian(buffer.FirstSpan);
        Span<byte> head = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(head);
        return BinaryPrimitives.ReadInt32BigEndian(head);
    }
}
