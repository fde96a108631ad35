using System.Buffers.Binary;
using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Host;

public sealed class BackpressureTests
{
    [Fact]
    public async Task SlowReaderPausesRequestIntakeUntilItCatchesUp()
    {
        var core = new EchoCore();
        await using var server = await HostFixture.StartAsync(core, o =>
        {
            o.MaxUnsentBytesPerConnection = 64 * 1024;
            o.GlobalOutstandingLimit = 10;
        });
        await using var client = await RawClient.ConnectAsync(server.ClientEndPoint.Port);
        client.Socket.ReceiveBufferSize = 64 * 1024;

        // 200 requests each answered with 256 KiB: 50 MiB, far more than the socket buffers can hold.
        const int requests = 200;
        await client.WriteAsync(Enumerable.Range(1, requests).SelectMany(x => RawClient.Request(x, EchoCore.OpBigReply)).ToArray());

        await Deadline.WaitUntilAsync(
            () => server.Connections.Snapshot().Any(c => c.Throttle.IsReaderParked && c.Throttle.UnsentBytes > 64 * 1024),
            TimeSpan.FromSeconds(20), "the reader to park on unsent output");
        long receivedWhileParked = core.Received;
        Assert.InRange(receivedWhileParked, 1, requests - 1);

        for (int xid = 1; xid <= requests; xid++)
        {
            var reply = await client.ReadFrameAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(16 + EchoCore.BigReplyBytes, reply.Length);
            Assert.Equal(xid, BinaryPrimitives.ReadInt32BigEndian(reply));
        }
        Assert.Equal(requests, core.Received);
    }

    [Fact]
    public async Task StopDoesNotWaitForAClientThatNeverReads()
    {
        var core = new EchoCore();
        var server = await HostFixture.StartAsync(core, o =>
        {
            o.MaxUnsentBytesPerConnection = 64 * 1024;
            o.GlobalOutstandingLimit = 10;
        });
        await using var client = await RawClient.ConnectAsync(server.ClientEndPoint.Port);
        client.Socket.ReceiveBufferSize = 64 * 1024;
        await client.WriteAsync(Enumerable.Range(1, 200).SelectMany(x => RawClient.Request(x, EchoCore.OpBigReply)).ToArray());
        await Deadline.WaitUntilAsync(
            () => server.Connections.Snapshot().Any(c => c.Throttle.IsReaderParked && c.Throttle.UnsentBytes > 64 * 1024),
            TimeSpan.FromSeconds(20), "the reader to park on unsent output");

        // The reader is parked and the writer is stuck on a full socket: stop must abandon both
        // after its grace period rather than wait for the client.
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(12), $"stop took {stopping.Elapsed}");
        Assert.Equal(1, core.Disconnected);
    }

    [Fact]
    public async Task MaxClientCnxnsRefusesConnectionsBeyondTheLimit()
    {
        var core = new EchoCore();
        await using var server = await HostFixture.StartAsync(core, o => o.MaxClientCnxns = 2);
        int port = server.ClientEndPoint.Port;
        await using var first = await RawClient.ConnectAsync(port);
        await using var second = await RawClient.ConnectAsync(port);
        await first.WriteAsync(RawClient.Request(1, 0));
        await second.WriteAsync(RawClient.Request(2, 0));
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(await first.ReadFrameAsync()));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(await second.ReadFrameAsync()));

        await using var third = await RawClient.ConnectAsync(port);
        Assert.True(await third.IsClosedByServerAsync(), "third connection from one address must be refused");

        await first.DisposeAsync();
        await Deadline.WaitUntilAsync(() => server.Connections.Count == 1, TimeSpan.FromSeconds(10), "slot released");
        await using var fourth = await RawClient.ConnectAsync(port);
        await fourth.WriteAsync(RawClient.Request(4, 0));
        Assert.Equal(4, BinaryPrimitives.ReadInt32BigEndian(await fourth.ReadFrameAsync()));
    }

    [Fact]
    public async Task StopClosesClientsAndTellsTheCore()
    {
        var core = new EchoCore();
        var server = await HostFixture.StartAsync(core);
        await using var client = await RawClient.ConnectAsync(server.ClientEndPoint.Port);
        await client.WriteAsync(RawClient.Request(1, 0));
        await client.ReadFrameAsync();

        await server.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Equal(1, core.Disconnected);
    }
}
