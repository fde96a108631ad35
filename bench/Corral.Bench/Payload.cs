using System.Buffers.Binary;

namespace Corral.Bench;

/// <summary>
/// Self-verifying znode data. Every value the bench writes is [key:8][stamp:8][filler], where the
/// filler is a pseudo-random stream seeded by (key, stamp). A reader that knows only which key it
/// asked for can therefore check that it got whole, uncorrupted data that was written for that key
/// by some writer, without any shared state between sessions.
/// </summary>
public static class Payload
{
    /// <summary>The smallest payload that carries the key and stamp header.</summary>
    public const int MinSize = 16;

    public static void Fill(Span<byte> destination, long key, long stamp)
    {
        if (destination.Length < MinSize)
            throw new ArgumentException($"payload must be at least {MinSize} bytes", nameof(destination));
        BinaryPrimitives.WriteInt64BigEndian(destination, key);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], stamp);
        FillFiller(destination[MinSize..], key, stamp);
    }

    /// <summary>What is wrong with <paramref name="data"/> read back from <paramref name="expectedKey"/>, or null when it is intact.</summary>
    public static string? Verify(ReadOnlySpan<byte> data, long expectedKey, int expectedSize)
    {
        if (data.Length != expectedSize) return "wrong data length";
        long key = BinaryPrimitives.ReadInt64BigEndian(data);
        if (key != expectedKey) return "data of another key";
        long stamp = BinaryPrimitives.ReadInt64BigEndian(data[8..]);
        return FillerMatches(data[MinSize..], key, stamp) ? null : "corrupt data";
    }

    private static void FillFiller(Span<byte> filler, long key, long stamp)
    {
        ulong state = Seed(key, stamp);
        int i = 0;
        for (; i + 8 <= filler.Length; i += 8)
            BinaryPrimitives.WriteUInt64LittleEndian(filler[i..], Next(ref state));
        if (i < filler.Length)
        {
            ulong last = Next(ref state);
            for (; i < filler.Length; i++, last >>= 8) filler[i] = (byte)last;
        }
    }

    private static bool FillerMatches(ReadOnlySpan<byte> filler, long key, long stamp)
    {
        ulong state = Seed(key, stamp);
        int i = 0;
        for (; i + 8 <= filler.Length; i += 8)
            if (BinaryPrimitives.ReadUInt64LittleEndian(filler[i..]) != Next(ref state)) return false;
        if (i < filler.Length)
        {
            ulong last = Next(ref state);
            for (; i < filler.Length; i++, last >>= 8)
                if (filler[i] != (byte)last) return false;
        }
        return true;
    }

    private static ulong Seed(long key, long stamp) => (ulong)key * 0x9E3779B97F4A7C15UL ^ (ulong)stamp;

    // SplitMix64: fast, and every seed gives a different stream.
    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
