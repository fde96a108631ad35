using System.Buffers.Binary;
using System.Numerics;

namespace Corral.Core.Tree;

/// <summary>
/// The xxHash64 function (Yann Collet's XXH64, one-shot form): 64-bit, non-cryptographic, several
/// times faster per byte than FNV-1a because it consumes 32-byte stripes in four independent lanes.
/// Deterministic across processes and platforms, as the replicated tree digest needs.
/// </summary>
internal static class XxHash64
{
    private const ulong P1 = 11400714785074694791UL;
    private const ulong P2 = 14029467366897019727UL;
    private const ulong P3 = 1609587929392839161UL;
    private const ulong P4 = 9650029242287828579UL;
    private const ulong P5 = 2870177450012600261UL;

    public static ulong Hash(ReadOnlySpan<byte> input, ulong seed = 0)
    {
        int length = input.Length;
        ulong h;
        if (length >= 32)
        {
            ulong v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
            do
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(input));
                v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(input[8..]));
                v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(input[16..]));
                v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(input[24..]));
                input = input[32..];
            } while (input.Length >= 32);
            h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7)
                + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            h = Merge(h, v1);
            h = Merge(h, v2);
            h = Merge(h, v3);
            h = Merge(h, v4);
        }
        else
        {
            h = seed + P5;
        }
        h += (ulong)length;
        while (input.Length >= 8)
        {
            h ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(input));
            h = BitOperations.RotateLeft(h, 27) * P1 + P4;
            input = input[8..];
        }
        if (input.Length >= 4)
        {
            h ^= BinaryPrimitives.ReadUInt32LittleEndian(input) * P1;
            h = BitOperations.RotateLeft(h, 23) * P2 + P3;
            input = input[4..];
        }
        foreach (byte b in input)
        {
            h ^= b * P5;
            h = BitOperations.RotateLeft(h, 11) * P1;
        }
        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        h ^= h >> 32;
        return h;
    }

    private static ulong Round(ulong acc, ulong lane)
    {
        acc += lane * P2;
        acc = BitOperations.RotateLeft(acc, 31);
        return acc * P1;
    }

    private static ulong Merge(ulong h, ulong v)
    {
        h ^= Round(0, v);
        return h * P1 + P4;
    }
}
