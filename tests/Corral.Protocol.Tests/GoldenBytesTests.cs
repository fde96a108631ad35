using Corral.Protocol;
using static Corral.Protocol.Tests.Codec;

namespace Corral.Protocol.Tests;

/// <summary>Byte-exact examples from the wire-protocol fact sheet (§2.2, §8.6, §9, §12).</summary>
public class GoldenBytesTests
{
    private static byte[] Framed(IJuteRecord header, IJuteRecord? body = null)
    {
        using var fw = new FrameWriter();
        fw.BeginFrame();
        var w = new JuteWriter(fw);
        header.Write(ref w);
        body?.Write(ref w);
        fw.FinishFrame();
        return fw.WrittenSpan.ToArray();
    }

    [Fact]
    public void FreshConnectRequestIs45BytesWithLengthPrefix2D()
    {
        var request = new ConnectRequest(0, 0, 30000, 0, new byte[16], ReadOnly: false);
        var frame = Framed(request);
        Assert.Equal(4 + 45, frame.Length);
        Assert.Equal(
            "0000002d" + "00000000" + "0000000000000000" + "00007530" + "0000000000000000" +
            "00000010" + new string('0', 32) + "00",
            ToHex(frame));

        var back = Decode(frame[4..], ConnectRequest.Read);
        Assert.Equal(request, back);
        Assert.True(back.ReadOnlyPresent);
    }

    [Fact]
    public void OldConnectRequestWithoutReadOnlyByteIs44Bytes()
    {
        var bytes = Hex("00000000 0000000000000005 00001388 0000000000000007 00000010" + new string('1', 32));
        Assert.Equal(44, bytes.Length);
        var request = Decode(bytes, ConnectRequest.Read);
        Assert.Equal(new ConnectRequest(0, 5, 5000, 7, Enumerable.Repeat((byte)0x11, 16).ToArray(), false, ReadOnlyPresent: false), request);
        Assert.Equal(bytes, Encode(request));
    }

    [Fact]
    public void ConnectRequestReadOnlyTrueIsDecoded()
    {
        var bytes = Encode(new ConnectRequest(0, 0, 30000, 0, new byte[16], ReadOnly: true));
        Assert.Equal(0x01, bytes[^1]);
        Assert.True(Decode(bytes, ConnectRequest.Read).ReadOnly);
    }

    [Fact]
    public void ConnectResponseMatchesObservedServerBytes()
    {
        const string observed = "00000000 00000fa0 01000009422f0000 00000010 a3102fc6f4b8d527b9c31bbb5dd4d80e 00";
        var response = Decode(Hex(observed), ConnectResponse.Read);
        Assert.Equal(0, response.ProtocolVersion);
        Assert.Equal(4000, response.TimeOut);
        Assert.Equal(0x01000009422f0000, response.SessionId);
        Assert.Equal(Hex("a3102fc6f4b8d527b9c31bbb5dd4d80e"), response.Passwd);
        Assert.False(response.ReadOnly);
        Assert.True(response.ReadOnlyPresent);
        Assert.Equal(37, Encode(response).Length);
        Assert.Equal(Hex(observed), Encode(response));
    }

    [Fact]
    public void ConnectResponseOmitsReadOnlyByteWhenNotAsked()
    {
        var response = new ConnectResponse(0, 4000, 42, new byte[16], ReadOnly: false, ReadOnlyPresent: false);
        var bytes = Encode(response);
        Assert.Equal(36, bytes.Length);
        var back = Decode(bytes, ConnectResponse.Read);
        Assert.False(back.ReadOnlyPresent);
        Assert.Equal(response, back);
    }

    [Fact]
    public void InvalidSessionConnectResponseIsAllZeros()
    {
        Assert.Equal("00000000" + "00000000" + "0000000000000000" + "00000010" + new string('0', 32) + "00",
            ToHex(Encode(ConnectResponse.Invalid(readOnlyPresent: true))));
        Assert.Equal(36, Encode(ConnectResponse.Invalid(readOnlyPresent: false)).Length);
    }

    [Fact]
    public void ExistsRequestFrame()
    {
        var frame = Framed(new RequestHeader(1, OpCode.Exists), new ExistsRequest("/", false));
        Assert.Equal("0000000e" + "00000001" + "00000003" + "00000001" + "2f" + "00", ToHex(frame));

        var r = new JuteReader(frame.AsSpan(4));
        Assert.Equal(new RequestHeader(1, OpCode.Exists), RequestHeader.Read(ref r));
        Assert.Equal(new ExistsRequest("/", false), ExistsRequest.Read(ref r));
        Assert.True(r.IsAtEnd);
    }

    [Fact]
    public void ExistsReplyOnFreshRootIs84Bytes()
    {
        var rootStat = new Stat(0, 0, 0, 0, 0, Cversion: -1, 0, 0, 0, NumChildren: 1, 0);
        var frame = Framed(new ReplyHeader(1, 0x10, ErrorCode.Ok), new ExistsResponse(rootStat));
        Assert.Equal(4 + 84, frame.Length);
        Assert.Equal(
            "00000054" + "00000001" + "0000000000000010" + "00000000" +
            new string('0', 32 * 2) + "00000000" + "ffffffff" + "00000000" + "0000000000000000" + "00000000" + "00000001" + "0000000000000000",
            ToHex(frame));
    }

    [Fact]
    public void StatLayoutIsFieldOrderBigEndian()
    {
        var stat = new Stat(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        Assert.Equal(
            "0000000000000001" + "0000000000000002" + "0000000000000003" + "0000000000000004" +
            "00000005" + "00000006" + "00000007" + "0000000000000008" + "00000009" + "0000000a" + "000000000000000b",
            ToHex(Encode(new ExistsResponse(stat))));
        Assert.Equal(Stat.EncodedSize, Encode(new SetDataResponse(stat)).Length);
    }

    [Fact]
    public void ErrorReplyIsHeaderOnly()
    {
        var frame = Framed(new ReplyHeader(7, 0x20, ErrorCode.NoNode));
        Assert.Equal("00000010" + "00000007" + "0000000000000020" + "ffffff9b", ToHex(frame));
        var back = Decode(frame[4..], ReplyHeader.Read);
        Assert.Equal(new ReplyHeader(7, 0x20, ErrorCode.NoNode), back);
    }

    [Fact]
    public void NotificationFrame()
    {
        var frame = Framed(new ReplyHeader(Xids.Notification, -1, ErrorCode.Ok),
            new WatcherEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/w"));
        Assert.Equal("0000001e" + "ffffffff" + "ffffffffffffffff" + "00000000" + "00000003" + "00000003" + "00000002" + "2f77",
            ToHex(frame));
        var r = new JuteReader(frame.AsSpan(4 + ReplyHeader.EncodedSize));
        Assert.Equal(new WatcherEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/w"), WatcherEvent.Read(ref r));
    }

    [Fact]
    public void AddWatchReplyIsHeaderPlusZeroIntFrameLength20()
    {
        var frame = Framed(new ReplyHeader(3, 9, ErrorCode.Ok), new ErrorResponse(ErrorCode.Ok));
        Assert.Equal(4 + 20, frame.Length);
        Assert.Equal("00000014" + "00000003" + "0000000000000009" + "00000000" + "00000000", ToHex(frame));
    }

    [Fact]
    public void PingRequestAndReply()
    {
        Assert.Equal("00000008" + "fffffffe" + "0000000b", ToHex(Framed(new RequestHeader(Xids.Ping, OpCode.Ping))));
        Assert.Equal("00000010" + "fffffffe" + "0000000000000005" + "00000000", ToHex(Framed(new ReplyHeader(Xids.Ping, 5, ErrorCode.Ok))));
    }

    [Fact]
    public void FailedMultiErrorResultLayout()
    {
        // [create OK, delete of a missing node, setData] failed as a whole: [0, -101, -2].
        var response = new MultiResponse([
            new ErrorResult(ErrorCode.Ok), new ErrorResult(ErrorCode.NoNode), new ErrorResult(ErrorCode.RuntimeInconsistency)]);
        var bytes = Encode(response);
        Assert.Equal(
            "ffffffff" + "00" + "00000000" + "00000000" +
            "ffffffff" + "00" + "ffffff9b" + "ffffff9b" +
            "ffffffff" + "00" + "fffffffe" + "fffffffe" +
            "ffffffff" + "01" + "ffffffff",
            ToHex(bytes));
        Assert.Equal(response, Decode(bytes, MultiResponse.Read));
    }

    [Fact]
    public void MultiRequestLayout()
    {
        var request = new MultiRequest([
            MultiOp.Create(new CreateRequest("/a", null, Acl.OpenAclUnsafe, CreateMode.Persistent)),
            MultiOp.Delete(new DeleteRequest("/b", -1)),
        ]);
        Assert.Equal(
            "00000001" + "00" + "ffffffff" + "000000022f61" + "ffffffff" + "00000001" + "0000001f" + "00000005" + "776f726c64" + "00000006" + "616e796f6e65" + "00000000" +
            "00000002" + "00" + "ffffffff" + "000000022f62" + "ffffffff" +
            "ffffffff" + "01" + "ffffffff",
            ToHex(Encode(request)));
    }

    [Fact]
    public void SuccessfulMultiResultLayout()
    {
        var stat = new Stat(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        var bytes = Encode(new MultiResponse([new CreateResult("/a"), new Create2Result("/b", stat), new DeleteResult(), new CheckResult()]));
        Assert.Equal(
            "00000001" + "00" + "00000000" + "000000022f61" +
            "0000000f" + "00" + "00000000" + "000000022f62" + ToHex(Encode(new ExistsResponse(stat))) +
            "00000002" + "00" + "00000000" +
            "0000000d" + "00" + "00000000" +
            "ffffffff" + "01" + "ffffffff",
            ToHex(bytes));
    }

    [Fact]
    public void NullAndEmptyBuffersDiffer()
    {
        Assert.Equal("ffffffff" + ToHex(Encode(new Stat())), ToHex(Encode(new GetDataResponse(null, new Stat()))));
        Assert.Equal("00000000" + ToHex(Encode(new Stat())), ToHex(Encode(new GetDataResponse([], new Stat()))));
        Assert.Null(Decode(Encode(new GetDataResponse(null, new Stat())), GetDataResponse.Read).Data);
        Assert.Empty(Decode(Encode(new GetDataResponse([], new Stat())), GetDataResponse.Read).Data!);
    }
}
