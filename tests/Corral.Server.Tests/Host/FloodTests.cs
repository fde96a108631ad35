using System.Buffers.Binary;
using Corral.Core.Server;
using Corral.Server.Processing;
using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Host;

/// <summary>
/// Many hostile clients at once: memory and queues stay bounded. Clients that pipeline requests
/// with huge replies and never read hold at most about one reply each (per-connection
/// backpressure); while the core is stalled, globalOutstandingLimit stops every reader instead of
/// queuing without bound; once the stall ends, every request is answered.
/// </summary>
public sealed class FloodTests
{
    private const int Clients = 10;

    [Fact]
    public async Task ClientsThatNeverReadCannotGrowServerMemory()
    {
        var core = new EchoCore();
        await using var server = await HostFixture.StartAsync(core, o =>
        {
            o.MaxUnsentBytesPerConnection = 64 * 1024;
            o.GlobalOutstandingLimit = 100;
        });
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var clients = new List<RawClient>();
        try
        {
            // Each client asks for 1,000 replies of 256 KiB (250 MiB each, 2.5 GiB in all) and reads none.
            const int perClient = 1000;
            var burst = Enumerable.Range(1, perClient).SelectMany(x => RawClient.Request(x, EchoCore.OpBigReply)).ToArray();
            for (int i = 0; i < Clients; i++)
            {
                var client = await RawClient.ConnectAsync(server.ClientEndPoint.Port);
                client.Socket.ReceiveBufferSize = 64 * 1024;
                clients.Add(client);
                await client.WriteAsync(burst);
            }

            // Once a client's socket buffers are full its unsent output stays over the limit and the
            // loop holds its remaining requests back.
            try
            {
                await Deadline.WaitUntilAsync(
                    () => server.Connections.Snapshot().Count(c => c.Throttle.OverUnsentLimit && !c.Throttle.HasRoom) == Clients,
                    TimeSpan.FromSeconds(60), "every connection to be held back on unsent output");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException(e.Message + ": " + string.Join("; ", server.Connections.Snapshot().Select(c =>
                    $"unsent={c.Throttle.UnsentBytes} over={c.Throttle.OverUnsentLimit} room={c.Throttle.HasRoom}")) + $"; received={core.Received}");
            }
            long received = core.Received;
            long unsent = server.Connections.Snapshot().Sum(c => c.Throttle.UnsentBytes);
            long growth = GC.GetTotalMemory(forceFullCollection: true) - before;

            // Replies beyond the 64 KiB per connection sit in kernel socket buffers (several MiB on loopback),
            // not in the server's memory; the server has stopped long before answering everything.
            Assert.InRange(received, Clients, Clients * perClient / 4);
            // Each connection: at most the 64 KiB limit plus the one reply that crossed it. (No lower bound:
            // the wait above saw every connection over the limit, and the kernel may take a few more
            // bytes from a connection between that check and this sum.)
            Assert.InRange(unsent, 0, Clients * (64L * 1024 + EchoCore.BigReplyBytes + 20));
            Assert.True(growth < 256L * 1024 * 1024, $"managed memory grew by {growth / (1024 * 1024)} MiB");
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task GlobalOutstandingLimitStopsReadingWhileTheCoreIsStalled()
    {
        var core = new GatedCore();
        const int limit = 40;
        await using var server = await HostFixture.StartAsync(core, o => o.GlobalOutstandingLimit = limit);
        var clients = new List<RawClient>();
        const int perClient = 200;
        try
        {
            for (int i = 0; i < Clients; i++)
            {
                var client = await RawClient.ConnectAsync(server.ClientEndPoint.Port);
                clients.Add(client);
                await client.WriteAsync(Enumerable.Range(1, perClient).SelectMany(x => RawClient.Request(x, 0)).ToArray());
            }

            // The loop is stuck in the core on the first frame; readers fill the queue up to the limit and stop.
            await Deadline.WaitUntilAsync(() => server.OutstandingLimit.Queued >= limit, TimeSpan.FromSeconds(30), "the queue to reach the limit");
            await Deadline.WaitUntilAsync(
                () => server.Connections.Snapshot().Count(c => !c.Throttle.HasRoom) == Clients,
                TimeSpan.FromSeconds(30), "every reader to see the limit");
            // Each reader checks for room before posting, so the queue overshoots by at most one frame per reader.
            Assert.InRange(server.OutstandingLimit.Queued, limit, limit + Clients);

            core.Open_();
            foreach (var client in clients)
                for (int xid = 1; xid <= perClient; xid++)
                    Assert.Equal(xid, BinaryPrimitives.ReadInt32BigEndian(await client.ReadFrameAsync(TimeSpan.FromSeconds(30))));
            Assert.Equal(Clients * perClient, core.Received);
            Assert.Equal(0, server.OutstandingLimit.Queued);
        }
        finally
        {
            core.Open_();
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    /// <summary>Like EchoCore, but every Receive blocks the processing loop until <see cref="Open_"/> is called.</summary>
    private sealed class GatedCore : IHostedCore
    {
        private readonly ManualResetEventSlim _gate = new(false);
        private long _received;

        public long Received => Interlocked.Read(ref _received);

        public void Open_() => _gate.Set();

        public IHostedCoreConnection Open(IConnectionSink sink, string remoteAddress) => new Connection(this, sink);
        public void Tick() { }
        public CoreStatistics GetStatistics() => new(0, 0, 0, 0, 0);

        private sealed class Connection(GatedCore core, IConnectionSink sink) : IHostedCoreConnection
        {
            public void Receive(ReadOnlySpan<byte> payload)
            {
                core._gate.Wait(TimeSpan.FromSeconds(60));
                Interlocked.Increment(ref core._received);
                var frame = new byte[4 + 16];
                BinaryPrimitives.WriteInt32BigEndian(frame, 16);
                BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), BinaryPrimitives.ReadInt32BigEndian(payload));
                sink.Send(frame);
            }

            public void Disconnected() { }
        }
    }
}
