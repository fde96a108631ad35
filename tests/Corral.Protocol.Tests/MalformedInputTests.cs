using Corral.Protocol;
using static Corral.Protocol.Tests.Codec;

namespace Corral.Protocol.Tests;

/// <summary>Hostile or truncated bytes raise JuteException and never allocate what a length prefix claims.</summary>
public class MalformedInputTests
{
    [Fact]
    public void EveryTruncationOfARecordFails()
    {
        var full = Encode(new CreateTTLRequest("/node", [1, 2, 3], Acl.OpenAclUnsafe, 5, 1000));
        for (int cut = 0; cut < full.Length; cut++)
            DecodeFails(full[..cut], CreateTTLRequest.Read);

        var setWatches = Encode(new SetWatches2(1, ["/a"], ["/b"], ["/c"], ["/d"], ["/e"]));
        for (int cut = 0; cut < setWatches.Length; cut++)
            DecodeFails(setWatches[..cut], SetWatches2.Read);

        var multi = Encode(new MultiResponse([new Create2Result("/a", SampleStat), new ErrorResult(ErrorCode.NoNode)]));
        for (int cut = 0; cut < multi.Length; cut++)
            DecodeFails(multi[..cut], MultiResponse.Read);
    }

    [Fact]
    public void TruncatedConnectRequestFails()
    {
        var full = Encode(new ConnectRequest(0, 0, 30000, 0, new byte[16]));
        // Cutting only the optional readOnly byte is legal; anything shorter is not.
        Decode(full[..^1], ConnectRequest.Read);
        for (int cut = 0; cut < full.Length - 1; cut++)
            DecodeFails(full[..cut], ConnectRequest.Read);
    }

    [Theory]
    [InlineData("fffffffe")]
    [InlineData("80000000")]
    public void NegativeStringLengthFails(string length)
    {
        var ex = DecodeFails(Hex(length + "00"), SyncRequest.Read);
        Assert.Contains("negative string length", ex.Message);
    }

    [Fact]
    public void NegativeBufferLengthFails()
    {
        var ex = DecodeFails(Hex("000000012f" + "fffffff0" + "00000000"), SetDataRequest.Read);
        Assert.Contains("negative buffer length", ex.Message);
    }

    [Fact]
    public void HugeLengthsFailWithoutAllocating()
    {
        var hugeBuffer = Hex("000000012f" + "7fffffff" + "0000");
        var hugeButUnderMax = Hex("000000012f" + "000fffff" + "0000");
        var hugeVector = Hex("7fffffff" + "00000001" + "61");
        var hugeAclVector = Hex("000000012f" + "ffffffff" + "10000000" + "00000000");

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("exceeds jute.maxbuffer", DecodeFails(hugeBuffer, SetDataRequest.Read).Message);
        Assert.Contains("exceeds the", DecodeFails(hugeButUnderMax, SetDataRequest.Read).Message);
        Assert.Contains("vector length", DecodeFails(hugeVector, GetChildrenResponse.Read).Message);
        Assert.Contains("vector length", DecodeFails(hugeAclVector, CreateRequest.Read).Message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 256 * 1024, $"decoding hostile lengths allocated {allocated} bytes");
    }

    [Fact]
    public void VectorCountLargerThanRemainingBytesFails()
    {
        // Claims 3 strings but carries one.
        DecodeFails(Hex("00000003" + "00000001" + "61"), GetChildrenResponse.Read);
        DecodeFails(Hex("0000000000000000" + "00000002" + "00000001" + "61" + "ffffffff" + "ffffffff"), SetWatches.Read);
        DecodeFails(Hex("00000005" + "00000000" + "00000000"), WhoAmIResponse.Read);
        DecodeFails(Hex("fffffffe"), GetEphemeralsResponse.Read);
    }

    [Fact]
    public void InvalidUtf8Fails()
    {
        Assert.Contains("UTF-8", DecodeFails(Hex("00000003" + "2fc328"), SyncRequest.Read).Message);
        Assert.Contains("UTF-8", DecodeFails(Hex("00000002" + "2fff" + "00"), GetDataRequest.Read).Message);
        // An unpaired surrogate encoded CESU-style is not valid UTF-8 either.
        DecodeFails(Hex("00000004" + "2feda080"), SyncRequest.Read);
    }

    [Fact]
    public void ConnectRequestWithHugePasswordLengthFails()
    {
        DecodeFails(Hex("00000000" + "0000000000000000" + "00007530" + "0000000000000000" + "7fffffff"), ConnectRequest.Read);
    }
}
