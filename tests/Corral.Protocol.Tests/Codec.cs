using System.Buffers;
using Corral.Protocol;

namespace Corral.Protocol.Tests;

public delegate T ReadFn<T>(ref JuteReader r);

/// <summary>Encoding/decoding helpers shared by the tests.</summary>
internal static class Codec
{
    public static byte[] Encode(IJuteRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new JuteWriter(buffer);
        record.Write(ref w);
        Assert.Equal(buffer.WrittenCount, w.Written);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes and asserts that the record consumed every byte.</summary>
    public static T Decode<T>(byte[] bytes, ReadFn<T> read)
    {
        var r = new JuteReader(bytes);
        var value = read(ref r);
        Assert.True(r.IsAtEnd, $"{typeof(T).Name} left {r.Remaining} bytes unread");
        return value;
    }

    /// <summary>Writes, reads back, asserts equality and that re-encoding gives identical bytes.</summary>
    public static T RoundTrip<T>(T value, ReadFn<T> read) where T : IJuteRecord
    {
        var bytes = Encode(value);
        var back = Decode(bytes, read);
        Assert.Equal(value, back);
        Assert.Equal(bytes, Encode(back));
        return back;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("·", ""));

    public static string ToHex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static JuteException DecodeFails<T>(byte[] bytes, ReadFn<T> read) =>
        Assert.Throws<JuteException>(() =>
        {
            var r = new JuteReader(bytes);
            read(ref r);
        });

    public static readonly Stat SampleStat = new(
        Czxid: 0x100000002, Mzxid: 0x100000005, Ctime: 1_700_000_000_123, Mtime: 1_700_000_000_456,
        Version: 3, Cversion: 5, Aversion: 1, EphemeralOwner: 0x0100000942_2f0000, DataLength: 11,
        NumChildren: 2, Pzxid: 0x100000007);
}
