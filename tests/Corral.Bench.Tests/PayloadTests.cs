using Corral.Bench;

namespace Corral.Bench.Tests;

public class PayloadTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(1024)]
    public void A_filled_value_verifies_for_its_key(int size)
    {
        var data = new byte[size];
        Payload.Fill(data, 42, 7);
        Assert.Null(Payload.Verify(data, 42, size));
    }

    [Fact]
    public void Every_kind_of_damage_is_detected()
    {
        var data = new byte[100];
        Payload.Fill(data, 42, 7);
        Assert.Equal("data of another key", Payload.Verify(data, 43, 100));
        Assert.Equal("wrong data length", Payload.Verify(data.AsSpan(0, 99), 42, 100));
        data[99] ^= 1;
        Assert.Equal("corrupt data", Payload.Verify(data, 42, 100));
        data[99] ^= 1;
        data[12] ^= 0x80; // the stamp: the filler no longer matches it
        Assert.Equal("corrupt data", Payload.Verify(data, 42, 100));
    }

    [Fact]
    public void Different_stamps_give_different_values()
    {
        var a = new byte[64];
        var b = new byte[64];
        Payload.Fill(a, 1, 1);
        Payload.Fill(b, 1, 2);
        Assert.False(a.AsSpan(16).SequenceEqual(b.AsSpan(16)));
    }

    [Fact]
    public void Too_small_a_buffer_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Payload.Fill(new byte[15], 1, 1));
    }
}
