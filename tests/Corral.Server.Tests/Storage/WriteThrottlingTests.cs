using Corral.Client;
using Corral.Client.Robustness;
using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Corral.Server.Storage;
using Corral.Server.Tests.Fixtures;
using Corral.Storage.FileSystem;

namespace Corral.Server.Tests.Storage;

/// <summary>Write throttling: a disk that stops completing fsyncs must not let the log's memory grow without bound.</summary>
public sealed class WriteThrottlingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const long Limit = 64 * 1024;
    private const int DataBytes = 4096;
    /// <summary>One create of <see cref="DataBytes"/> as a logged record: the data plus path, ACL and framing, well under 1 KB more.</summary>
    private const long OneTxn = DataBytes + 1024;

    [Fact]
    public async Task A_blocked_fsync_holds_requests_back_and_everything_is_acknowledged_once_it_completes()
    {
        var fs = new InMemoryFileSystem();
        var options = new CorralServerOptions { ClientPort = 0, DataDir = "/data", MaxClientCnxns = 0, MaxUnsyncedLogBytes = Limit };
        DurableCore Open(CorralServerOptions o, TimeProvider t) =>
            DurableCore.Open(CoreFactory.ToCoreOptions(o), CoreFactory.ToStorageOptions(o), t, fs);

        await using var server = await CorralServer.StartAsync(options, Open);
        var durable = (DurableCore)server.Loop.Core;
        var clients = new List<CorralClient>();
        for (int c = 0; c < 2; c++)
            clients.Add(await CorralClient.ConnectAsync(new CorralClientOptions
            {
                ConnectionString = server.ConnectString,
                SessionTimeout = TimeSpan.FromSeconds(30),
                RetryPolicy = new RetryNever(),
            }));

        using var disk = new ManualResetEventSlim(false);
        int fsyncsBlocked = 0;
        fs.BeforeFlush = _ => { Interlocked.Increment(ref fsyncsBlocked); disk.Wait(Wait); };
        try
        {
            // 2 x 100 pipelined creates of 4 KB: about 800 KB, far beyond the 64 KB limit.
            var data = new byte[DataBytes];
            var writes = clients.SelectMany((client, c) =>
                Enumerable.Range(0, 100).Select(i => client.CreateAsync($"/w{c}-{i}", data))).ToList();

            // The flusher is stuck in an fsync and both connections are held: the loop stopped taking their requests.
            await Deadline.WaitUntilAsync(async () => Volatile.Read(ref fsyncsBlocked) == 1
                    && await server.Loop.InvokeAsync(() => server.Loop.ConnectionsWaitingForDisk) == 2,
                Wait, "an fsync to block and both connections to be held back for the disk");
            Assert.Equal(1, Volatile.Read(ref fsyncsBlocked));
            long unsynced = durable.Store.Committer.UnsyncedBytes;
            Assert.InRange(unsynced, Limit + 1, Limit + OneTxn);
            Assert.All(writes, w => Assert.False(w.IsCompleted));

            // Still held, nothing more logged, while the fsync stays blocked (a loop round trip orders this after queued work).
            Assert.True(await server.Loop.InvokeAsync(() => durable.DiskBehind));
            Assert.Equal(unsynced, durable.Store.Committer.UnsyncedBytes);

            disk.Set();
            var created = await Task.WhenAll(writes).WaitAsync(Wait);
            Assert.Equal(200, created.Length);
            Assert.True(durable.Store.Committer.DurableZxid >= created.Max(n => n.Stat.Czxid));
            Assert.Equal(0, await server.Loop.InvokeAsync(() => server.Loop.ConnectionsWaitingForDisk));
            Assert.Equal(DataBytes, (await clients[1].GetDataAsync("/w1-99")).Data.Length);
        }
        finally
        {
            disk.Set();
            fs.BeforeFlush = null;
            foreach (var client in clients) await client.DisposeAsync();
        }
    }
}
