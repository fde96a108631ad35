using Corral.Protocol;
using static Corral.Protocol.Tests.Codec;

namespace Corral.Protocol.Tests;

public class MultiTests
{
    private static readonly Stat S = SampleStat;

    [Fact]
    public void WriteMultiRoundTripsEveryOperationKind()
    {
        var request = new MultiRequest([
            MultiOp.Create(new CreateRequest("/a", [1], Acl.OpenAclUnsafe, CreateMode.Persistent)),
            MultiOp.Create2(new CreateRequest("/a/b", null, Acl.OpenAclUnsafe, CreateMode.EphemeralSequential)),
            MultiOp.CreateContainer(new CreateRequest("/c", [], Acl.OpenAclUnsafe, CreateMode.Container)),
            MultiOp.CreateTtl(new CreateTTLRequest("/t", null, Acl.OpenAclUnsafe, CreateMode.PersistentWithTtl, 1000)),
            MultiOp.Delete(new DeleteRequest("/d", -1)),
            MultiOp.SetData(new SetDataRequest("/s", [7], 2)),
            MultiOp.Check(new CheckVersionRequest("/v", 0)),
        ]);
        var back = RoundTrip(request, MultiRequest.Read);
        Assert.Equal(MultiKind.Write, back.Kind);
        Assert.Equal(
            [OpCode.Create, OpCode.Create2, OpCode.CreateContainer, OpCode.CreateTtl, OpCode.Delete, OpCode.SetData, OpCode.Check],
            back.Ops.Select(o => o.Type));
        Assert.IsType<CreateTTLRequest>(back.Ops[3].Request);
        Assert.Equal(new SetDataRequest("/s", [7], 2), back.Ops[5].Request);
    }

    [Fact]
    public void MultiReadRoundTrips()
    {
        var request = new MultiRequest([
            MultiOp.GetData(new GetDataRequest("/a", false)),
            MultiOp.GetChildren(new GetChildrenRequest("/", true)),
        ]);
        var back = RoundTrip(request, MultiRequest.Read);
        Assert.Equal(MultiKind.Read, back.Kind);
        Assert.True(back.Ops.All(o => o.IsRead));
    }

    [Fact]
    public void EmptyMultiIsOnlyTheTerminator()
    {
        var empty = new MultiRequest([]);
        Assert.Equal("ffffffff01ffffffff", ToHex(Encode(empty)));
        Assert.Equal(MultiKind.Empty, Decode(Encode(empty), MultiRequest.Read).Kind);
        Assert.Empty(Decode(Encode(new MultiResponse([])), MultiResponse.Read).Results);
    }

    [Fact]
    public void ReadingStopsAtTheTerminatorAndLeavesTrailingBytes()
    {
        var bytes = Encode(new MultiRequest([MultiOp.Delete(new DeleteRequest("/x", 1))])).Concat(new byte[] { 0xAA }).ToArray();
        var r = new JuteReader(bytes);
        var request = MultiRequest.Read(ref r);
        Assert.Single(request.Ops);
        Assert.Equal(1, r.Remaining);
    }

    [Theory]
    [InlineData(3)]   // exists is not a multi operation
    [InlineData(7)]   // setACL
    [InlineData(20)]  // deleteContainer
    [InlineData(99)]
    [InlineData(-11)]
    public void UnknownOperationTypeIsAJuteException(int type)
    {
        var bytes = Hex($"{type:x8}" + "00" + "ffffffff" + "000000022f61" + "00" + "ffffffff01ffffffff");
        var ex = DecodeFails(bytes, MultiRequest.Read);
        Assert.Contains($"invalid operation type {type}", ex.Message);
    }

    [Fact]
    public void MixingReadsAndWritesIsAJuteException()
    {
        var writeThenRead = new MultiRequest([
            MultiOp.Delete(new DeleteRequest("/x", -1)),
            MultiOp.GetData(new GetDataRequest("/x", false)),
        ]);
        Assert.Contains("mixing", DecodeFails(Encode(writeThenRead), MultiRequest.Read).Message);
        var readThenWrite = new MultiRequest([
            MultiOp.GetChildren(new GetChildrenRequest("/x", false)),
            MultiOp.Check(new CheckVersionRequest("/x", -1)),
        ]);
        Assert.Contains("mixing", DecodeFails(Encode(readThenWrite), MultiRequest.Read).Message);
    }

    [Fact]
    public void MissingTerminatorIsAJuteException()
    {
        var bytes = Encode(new MultiRequest([MultiOp.Delete(new DeleteRequest("/x", 1))]));
        DecodeFails(bytes[..^MultiHeader.EncodedSize], MultiRequest.Read);
        DecodeFails(Encode(new MultiResponse([new DeleteResult()]))[..^1], MultiResponse.Read);
    }

    [Fact]
    public void EveryResultKindRoundTrips()
    {
        var response = new MultiResponse([
            new CreateResult("/a"),
            new Create2Result("/b0000000001", S),
            new DeleteResult(),
            new SetDataResult(S),
            new CheckResult(),
            new GetDataResult(null, S),
            new GetDataResult([], S),
            new GetDataResult("x"u8.ToArray(), S),
            new GetChildrenResult(["a", "b"]),
            new GetChildrenResult(null),
            new ErrorResult(ErrorCode.NoAuth),
        ]);
        var back = RoundTrip(response, MultiResponse.Read);
        Assert.Null(((GetDataResult)back.Results[5]).Data);
        Assert.Empty(((GetDataResult)back.Results[6]).Data!);
        Assert.Equal(ErrorCode.NoAuth, ((ErrorResult)back.Results[10]).Err);
    }

    [Fact]
    public void ResultHeadersCarryOpcodeAndZeroErr()
    {
        var bytes = Encode(new MultiResponse([new SetDataResult(S)]));
        Assert.Equal("00000005" + "00" + "00000000", ToHex(bytes[..9]));
        Assert.Equal(9 + Stat.EncodedSize + 9, bytes.Length);
    }

    [Fact]
    public void UnknownResultTypeIsAJuteException()
    {
        DecodeFails(Hex("00000003" + "00" + "00000000" + "ffffffff01ffffffff"), MultiResponse.Read);
    }

    [Fact]
    public void ResultsCompareByValue()
    {
        Assert.Equal(new GetDataResult([1], S), new GetDataResult([1], S));
        Assert.NotEqual(new GetDataResult([1], S), new GetDataResult(null, S));
        Assert.NotEqual<OpResult>(new DeleteResult(), new CheckResult());
        Assert.Equal(new GetChildrenResult(["a"]), new GetChildrenResult(["a"]));
    }
}
