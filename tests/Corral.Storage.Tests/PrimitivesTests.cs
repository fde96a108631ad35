using System.Text;

namespace Corral.Storage.Tests;

public class PrimitivesTests
{
    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        // The CRC-32C check value from the catalogue of parametrised CRC algorithms.
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Crc32C_is_the_same_when_computed_in_pieces()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        uint state = Crc32C.Append(Crc32C.InitialState, data.AsSpan(0, 13));
        state = Crc32C.Append(state, data.AsSpan(13));
        Assert.Equal(Crc32C.Compute(data), Crc32C.Finish(state));
    }

    [Theory]
    [InlineData(0x0L, 0x1L, true)]
    [InlineData(0x1L, 0x2L, true)]
    [InlineData(0x1L, 0x3L, false)]          // gap inside an epoch
    [InlineData(0x2L, 0x2L, false)]          // repeat
    [InlineData(0x100000005L, 0x200000001L, true)]  // new epoch starts at counter 1
    [InlineData(0x100000005L, 0x200000002L, false)] // new epoch must start at counter 1
    [InlineData(0x100000005L, 0x200000000L, false)] // counter 0 is never a transaction
    [InlineData(0x200000001L, 0x100000002L, false)] // epochs never go back
    [InlineData(0x0L, 0x100000001L, true)]
    public void Zxid_successor_rule(long previous, long next, bool expected) =>
        Assert.Equal(expected, Zxid.IsSuccessor(previous, next));

    [Fact]
    public void Zxid_parts_and_names()
    {
        long z = Zxid.Make(3, 42);
        Assert.Equal(3, Zxid.Epoch(z));
        Assert.Equal(42, Zxid.Counter(z));
        Assert.Equal("30000002a", Zxid.ToHex(z));
        Assert.True(Zxid.TryParseHex("30000002a", out long parsed));
        Assert.Equal(z, parsed);
        Assert.False(Zxid.TryParseHex("xyz", out _));
    }
}
