using System.Buffers.Binary;
using System.Text;
using Corral.Server.Tests.Fixtures;
using Corral.Server.Tests.Host;

namespace Corral.Server.Tests.Interop;

/// <summary>
/// Raw-socket conversations, byte for byte, written once and run against Corral and against Apache
/// ZooKeeper 3.8, so every expectation is real ZooKeeper behaviour.
/// </summary>
public abstract class RawProtocolSuite
{
    protected abstract int Port { get; }

    private static byte[] Payload(int xid, int op, params byte[][] body)
    {
        var list = new List<byte>();
        list.AddRange(RawClient.Int(xid));
        list.AddRange(RawClient.Int(op));
        foreach (var b in body) list.AddRange(b);
        return RawClient.Frame(list.ToArray());
    }

    private static byte[] Str(string s) => [.. RawClient.Int(Encoding.UTF8.GetByteCount(s)), .. Encoding.UTF8.GetBytes(s)];

    private static (int Xid, long Zxid, int Err) Header(byte[] reply) => (
        BinaryPrimitives.ReadInt32BigEndian(reply),
        BinaryPrimitives.ReadInt64BigEndian(reply.AsSpan(4)),
        BinaryPrimitives.ReadInt32BigEndian(reply.AsSpan(12)));

    private async Task<RawClient> ConnectedClientAsync()
    {
        var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(FourLetterWordSuite.ConnectRequestFrame());
        var response = await client.ReadFrameAsync();
        Assert.Equal(37, response.Length);
        return client;
    }

    private async Task AssertFreshClientServedAsync()
    {
        await using var client = await ConnectedClientAsync();
        await client.WriteAsync(Payload(1, 3, Str("/"), [0])); // exists("/")
        var reply = await client.ReadFrameAsync();
        Assert.Equal(16 + 68, reply.Length);
        Assert.Equal((1, 0), (Header(reply).Xid, Header(reply).Err));
    }

    [Fact]
    public async Task HandshakeReturnsA37ByteConnectResponse()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(FourLetterWordSuite.ConnectRequestFrame());
        var r = await client.ReadFrameAsync();
        Assert.Equal(37, r.Length);
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(r));                // protocolVersion
        Assert.Equal(30000, BinaryPrimitives.ReadInt32BigEndian(r.AsSpan(4)));  // negotiated timeout (within 4000..40000)
        Assert.NotEqual(0, BinaryPrimitives.ReadInt64BigEndian(r.AsSpan(8)));   // session id
        Assert.Equal(16, BinaryPrimitives.ReadInt32BigEndian(r.AsSpan(16)));    // password length
        Assert.Equal(0, r[36]);                                                 // readOnly false
    }

    [Fact]
    public async Task TimeoutIsClampedToTwentyTicks()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        var frame = FourLetterWordSuite.ConnectRequestFrame();
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4 + 12), 1_000_000_000);
        await client.WriteAsync(frame);
        var r = await client.ReadFrameAsync();
        Assert.Equal(40000, BinaryPrimitives.ReadInt32BigEndian(r.AsSpan(4)));
    }

    [Fact]
    public async Task RequestsPipelinedWithTheConnectRequestAreAnsweredInOrder()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync([
            .. FourLetterWordSuite.ConnectRequestFrame(),
            .. Payload(1, 3, Str("/"), [0]),              // exists("/")
            .. Payload(2, 4, Str("/missing-node"), [0]),  // getData -> NONODE
            .. Payload(3, 12, Str("/zookeeper"), [0]),    // getChildren2
            .. Payload(-2, 11),                           // ping
        ]);
        Assert.Equal(37, (await client.ReadFrameAsync()).Length);
        var exists = await client.ReadFrameAsync();
        Assert.Equal((1, 0), (Header(exists).Xid, Header(exists).Err));
        var missing = await client.ReadFrameAsync();
        Assert.Equal(16, missing.Length);
        Assert.Equal((2, -101), (Header(missing).Xid, Header(missing).Err));
        var children = await client.ReadFrameAsync();
        Assert.Equal((3, 0), (Header(children).Xid, Header(children).Err));
        var ping = await client.ReadFrameAsync();
        Assert.Equal(16, ping.Length);
        Assert.Equal((-2, 0), (Header(ping).Xid, Header(ping).Err));
        Assert.Equal(Header(exists).Zxid, Header(ping).Zxid); // the last processed zxid, unchanged by reads
    }

    [Fact]
    public async Task ConnectAndRequestSplitIntoOneByteWrites()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        foreach (byte b in (byte[])[.. FourLetterWordSuite.ConnectRequestFrame(), .. Payload(7, 3, Str("/zookeeper"), [0])])
            await client.WriteAsync([b]);
        Assert.Equal(37, (await client.ReadFrameAsync()).Length);
        var reply = await client.ReadFrameAsync();
        Assert.Equal((7, 0), (Header(reply).Xid, Header(reply).Err));
    }

    [Fact]
    public async Task GarbageConnectRequestClosesTheConnection()
    {
        await using (var client = await RawClient.ConnectAsync(Port))
        {
            await client.WriteAsync(RawClient.Frame([1, 2, 3, 4, 5, 6, 7]));
            Assert.True(await client.IsClosedByServerAsync(), "a connect request that does not decode must close the connection");
        }
        await AssertFreshClientServedAsync();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0x7FFFFFFF)]
    public async Task InvalidLengthAfterHandshakeClosesTheConnection(int length)
    {
        await using (var client = await ConnectedClientAsync())
        {
            await client.WriteAsync(RawClient.Int(length));
            Assert.True(await client.IsClosedByServerAsync());
        }
        await AssertFreshClientServedAsync();
    }

    [Fact]
    public async Task TruncatedRecordThenCloseLeavesTheServerHealthy()
    {
        await using (var client = await ConnectedClientAsync())
        {
            var frame = Payload(1, 1, Str("/truncated"), RawClient.Int(5), [1, 2, 3, 4, 5], RawClient.Int(1));
            await client.WriteAsync(frame[..(frame.Length - 10)]);
        }
        await AssertFreshClientServedAsync();
    }

    [Fact]
    public async Task WatchNotificationPrecedesTheReplyOfTheWriteThatFiredIt()
    {
        string path = "/raw-watch-" + Guid.NewGuid().ToString("N")[..8];
        byte[] openAcl = [.. RawClient.Int(1), .. RawClient.Int(31), .. Str("world"), .. Str("anyone")];
        await using var client = await ConnectedClientAsync();
        await client.WriteAsync([
            .. Payload(1, 1, Str(path), RawClient.Int(1), [(byte)'a'], openAcl, RawClient.Int(0)), // create
            .. Payload(2, 4, Str(path), [1]),                                                     // getData, watch
            .. Payload(3, 5, Str(path), RawClient.Int(1), [(byte)'b'], RawClient.Int(-1)),        // setData
            .. Payload(4, 2, Str(path), RawClient.Int(-1)),                                       // delete
        ]);
        var create = await client.ReadFrameAsync();
        Assert.Equal((1, 0), (Header(create).Xid, Header(create).Err));
        Assert.Equal(2, Header(await client.ReadFrameAsync()).Xid);

        var notification = await client.ReadFrameAsync();
        Assert.Equal(-1, Header(notification).Xid);
        Assert.Equal(0, Header(notification).Err);
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(notification.AsSpan(16))); // NodeDataChanged
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(notification.AsSpan(20))); // SyncConnected
        Assert.Equal(Str(path), notification[24..]);

        var set = await client.ReadFrameAsync();
        Assert.Equal((3, 0), (Header(set).Xid, Header(set).Err));
        Assert.Equal(Header(create).Zxid + 1, Header(set).Zxid);
        var delete = await client.ReadFrameAsync();
        Assert.Equal((4, 0), (Header(delete).Xid, Header(delete).Err)); // the one-shot watch is gone: no second event
    }

    [Fact]
    public async Task UnknownOpcodeGetsUnimplementedThenClose()
    {
        await using (var client = await ConnectedClientAsync())
        {
            await client.WriteAsync(Payload(5, 9999));
            var rest = await client.ReadToEndAsync();
            Assert.Equal(20, rest.Length);
            Assert.Equal(16, BinaryPrimitives.ReadInt32BigEndian(rest));
            var (xid, zxid, err) = Header(rest[4..]);
            Assert.Equal((5, -1L, -6), (xid, zxid, err));
        }
        await AssertFreshClientServedAsync();
    }
}

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheZooKeeperRawProtocolTests(ApacheZooKeeperFixture zk) : RawProtocolSuite
{
    protected override int Port => zk.Port;
}

[Collection(CorralServerCollection.Name)]
public sealed class CorralRawProtocolTests(CorralServerFixture corral) : RawProtocolSuite
{
    protected override int Port => corral.Port;
}
