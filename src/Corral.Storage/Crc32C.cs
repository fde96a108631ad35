using System.Buffers.Binary;
using System.Numerics;

namespace Corral.Storage;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of every log record and snapshot. Uses
/// <see cref="BitOperations.Crc32C(uint, ulong)"/>, which is the SSE4.2/ARMv8 CRC instruction
/// where available, eight bytes at a time. Standard framing: seed ~0, final complement.
/// </summary>
public static class Crc32C
{
    public const uint InitialState = 0xFFFFFFFF;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(InitialState, data));

    /// <summary>Folds <paramref name="data"/> into a running state started with <see cref="InitialState"/>.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) state = BitOperations.Crc32C(state, b);
        return state;
    }

    public static uint Finish(uint state) => ~state;
}
