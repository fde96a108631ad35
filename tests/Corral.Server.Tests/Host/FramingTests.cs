using System.Buffers.Binary;
using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Host;

/// <summary>The host's own mechanics, driven over real sockets against <see cref="EchoCore"/>.</summary>
public sealed class FramingTests : IAsyncLifetime
{
    private readonly EchoCore _core = new();
    private Hosting.CorralServer _server = null!;
    private int Port => _server.ClientEndPoint.Port;

    public async Task InitializeAsync() => _server = await HostFixture.StartAsync(_core);
    public async Task DisposeAsync() => await _server.StopAsync();

    private static int Xid(byte[] reply) => BinaryPrimitives.ReadInt32BigEndian(reply);

    private async Task AssertServesFreshClientAsync()
    {
        await using var fresh = await RawClient.ConnectAsync(Port);
        await fresh.WriteAsync(RawClient.Request(77, 0));
        var reply = await fresh.ReadFrameAsync();
        Assert.Equal(16, reply.Length);
        Assert.Equal(77, Xid(reply));
    }

    [Fact]
    public async Task PipelinedRequestsInOneWriteAreAnsweredInOrder()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        var batch = Enumerable.Range(1, 100).SelectMany(x => RawClient.Request(x, 0)).ToArray();
        await client.WriteAsync(batch);
        for (int xid = 1; xid <= 100; xid++) Assert.Equal(xid, Xid(await client.ReadFrameAsync()));
    }

    [Fact]
    public async Task RequestSplitIntoOneByteWritesIsReassembled()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        var bytes = RawClient.Request(5, 0, extra: 40).Concat(RawClient.Request(6, 0)).ToArray();
        foreach (byte b in bytes) await client.WriteAsync([b]);
        Assert.Equal(5, Xid(await client.ReadFrameAsync()));
        Assert.Equal(6, Xid(await client.ReadFrameAsync()));
    }

    [Fact]
    public async Task ZeroLengthFrameIsDeliveredToTheCore()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(RawClient.Int(0));
        var reply = await client.ReadFrameAsync();
        Assert.Equal(0, Xid(reply));
        Assert.Equal(1, _core.Received);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(0x7FFFFFFF)]
    [InlineData(0x100000)] // one past jute.maxbuffer
    public async Task InvalidLengthClosesOnlyThatConnection(int length)
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(RawClient.Int(length));
        Assert.True(await client.IsClosedByServerAsync(), "server must close a connection with an invalid frame length");
        Assert.Equal(0, _core.Received);
        await AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task LargestLegalFrameIsAccepted()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(RawClient.Request(9, 0, extra: 0xFFFFF - 8));
        Assert.Equal(9, Xid(await client.ReadFrameAsync()));
    }

    [Fact]
    public async Task HttpGarbageAsFirstBytesClosesTheConnection()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        // "GET " read as a length is 0x47455420, far beyond jute.maxbuffer.
        await client.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Assert.True(await client.IsClosedByServerAsync());
        await AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task TruncatedFrameThenCloseDoesNotReachTheCore()
    {
        await using (var client = await RawClient.ConnectAsync(Port))
        {
            await client.WriteAsync(RawClient.Request(1, 0, extra: 100)[..50]);
        }
        await AssertServesFreshClientAsync();
        Assert.Equal(1, _core.Received); // only the fresh client's request
    }

    [Fact]
    public async Task CoreCloseFlushesQueuedRepliesThenCloses()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync([.. RawClient.Request(1, 0), .. RawClient.Request(2, EchoCore.OpClose), .. RawClient.Request(3, 0)]);
        var rest = await client.ReadToEndAsync();
        Assert.Equal(40, rest.Length); // two 20-byte frames, nothing for the request after the close
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(rest.AsSpan(4)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(rest.AsSpan(24)));
        await Deadline.WaitUntilAsync(() => _core.Disconnected == 1, TimeSpan.FromSeconds(10), "core told of the disconnect");
    }

    [Fact]
    public async Task CoreExceptionClosesOnlyThatConnection()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync([.. RawClient.Request(1, 0), .. RawClient.Request(2, EchoCore.OpThrow)]);
        Assert.Equal(1, Xid(await client.ReadFrameAsync()));
        Assert.True(await client.IsClosedByServerAsync());
        await AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task ClientHangUpTellsTheCoreOnce()
    {
        await using (var client = await RawClient.ConnectAsync(Port))
        {
            await client.WriteAsync(RawClient.Request(1, 0));
            await client.ReadFrameAsync();
        }
        await Deadline.WaitUntilAsync(() => _core.Disconnected == 1 && _server.Connections.Count == 0,
            TimeSpan.FromSeconds(10), "disconnect reported and connection unregistered");
        Assert.Equal(1, _core.Opened);
    }

    [Fact]
    public async Task CoreIsTickedPeriodically()
    {
        long before = _core.Ticks;
        await Deadline.WaitUntilAsync(() => _core.Ticks >= before + 3, TimeSpan.FromSeconds(10), "three ticks");
    }

    /// <summary>500 connections by default; set CORRAL_HOST_CONNECTIONS (e.g. 5000) for a bigger run.</summary>
    [Fact]
    public async Task ManyConcurrentConnectionsAreAllServed()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("CORRAL_HOST_CONNECTIONS"), out int n) && n > 0 ? n : 500;
        var clients = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => RawClient.ConnectAsync(Port)));
        try
        {
            await Task.WhenAll(clients.Select((c, i) => c.WriteAsync([.. RawClient.Request(i, 0), .. RawClient.Request(i + 1, 0)])));
            var replies = await Task.WhenAll(clients.Select(async c => (Xid(await c.ReadFrameAsync()), Xid(await c.ReadFrameAsync()))));
            for (int i = 0; i < count; i++) Assert.Equal((i, i + 1), replies[i]);
            Assert.Equal(count, _server.Connections.Count);
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }
}
