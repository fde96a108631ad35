using Corral.Client;
using Corral.Client.Robustness;
using Corral.Protocol;
using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Corral.Server.Storage;
using Corral.Server.Tests.Fixtures;
using Corral.Storage;
using Corral.Storage.FileSystem;
using Corral.Storage.Log;

namespace Corral.Server.Tests.Storage;

/// <summary>The real server over the durable core: what survives a restart, damage on disk, a failing disk.</summary>
public sealed class DurableServerTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("corral-durable-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CorralServerOptions Options(int port = 0, int tickTime = 2000) => new()
    {
        ClientPort = port,
        DataDir = Path.Combine(_dir, "data"),
        DataLogDir = Path.Combine(_dir, "log"),
        TickTime = tickTime,
        MaxClientCnxns = 0,
    };

    private static Task<CorralClient> ConnectAsync(CorralServer server, TimeSpan? sessionTimeout = null) =>
        CorralClient.ConnectAsync(new CorralClientOptions
        {
            ConnectionString = server.ConnectString,
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
            RetryPolicy = new RetryNever(),
        });

    [Fact]
    public async Task Restart_keeps_data_stats_zxid_and_sequence_counters()
    {
        Stat before;
        long lastZxid;
        await using (var server = await CorralServer.StartAsync(Options(), CoreFactory.Create))
        {
            await using var client = await ConnectAsync(server);
            await client.CreateAsync("/app", "v0");
            for (int i = 0; i < 3; i++) await client.CreateAsync("/app/item-", "x", CreateMode.PersistentSequential);
            await client.DeleteAsync("/app/item-0000000001");
            await client.SetDataAsync("/app", "v1");
            before = (await client.GetDataAsync("/app")).Stat;
            lastZxid = (await server.Loop.InvokeAsync(() => server.Loop.Core.GetStatistics())).LastProcessedZxid;
        }

        await using (var server = await CorralServer.StartAsync(Options(), CoreFactory.Create))
        {
            var stats = await server.Loop.InvokeAsync(() => server.Loop.Core.GetStatistics());
            // The session's closeSession came after the last read: one more zxid, nothing lost.
            Assert.True(stats.LastProcessedZxid >= lastZxid, $"zxid went back: {stats.LastProcessedZxid:x} < {lastZxid:x}");
            await using var client = await ConnectAsync(server);
            var app = await client.GetDataAsync("/app");
            Assert.Equal("v1", app.DataAsString);
            Assert.Equal(before, app.Stat);
            Assert.Equal(["item-0000000000", "item-0000000002"], (await client.GetChildrenAsync("/app")).Children.Order());
            // The parent's sequence counter continues: the next child is 3, not 2 or 0.
            Assert.Equal("/app/item-0000000003", (await client.CreateAsync("/app/item-", "x", CreateMode.PersistentSequential)).Path);
            var created = await client.CreateAsync("/after", "y");
            Assert.True(created.Stat.Czxid > stats.LastProcessedZxid, "new zxids continue after the recovered ones");
        }
    }

    [Fact]
    public async Task Concurrent_writes_share_fsyncs_and_each_is_acknowledged_only_once_durable()
    {
        await using var server = await CorralServer.StartAsync(Options(), CoreFactory.Create);
        var durable = (DurableCore)server.Loop.Core;
        var clients = new List<CorralClient>();
        for (int c = 0; c < 4; c++) clients.Add(await ConnectAsync(server));
        long before = durable.Store.Committer.Stats.Txns;
        // Pipelined: every request is sent before the first reply, so they pile up behind one fsync.
        var writes = clients.SelectMany((client, c) => Enumerable.Range(0, 100).Select(i => client.CreateAsync($"/g{c}-{i}", "x"))).ToList();
        var created = await Task.WhenAll(writes);
        long highest = created.Max(n => n.Stat.Czxid);
        // Every acknowledged zxid was durable when its reply went out.
        Assert.True(durable.Store.Committer.DurableZxid >= highest);
        var (txns, batches, syncs) = durable.Store.Committer.Stats;
        Assert.True(txns - before >= 400, $"{txns - before} transactions logged");
        Assert.True(batches < txns - before, $"{batches} fsync batches for {txns - before} transactions: no group commit");
        foreach (var client in clients) await client.DisposeAsync();
    }

    [Fact]
    public async Task Session_that_reconnects_within_its_timeout_keeps_its_ephemerals_across_a_restart()
    {
        int port = FreePort.Next();
        var server = await CorralServer.StartAsync(Options(port), CoreFactory.Create);
        await using var client = await CorralClient.ConnectAsync(new CorralClientOptions
        {
            ConnectionString = server.ConnectString,
            SessionTimeout = TimeSpan.FromSeconds(20),
        });
        long session = client.SessionId;
        await client.CreateAsync("/owned", "e", CreateMode.Ephemeral);
        await server.StopAsync();

        await using (server = await CorralServer.StartAsync(Options(port), CoreFactory.Create))
        {
            // The client reconnects by itself with its id and password.
            await Deadline.WaitUntilAsync(async () =>
            {
                try { return await client.ExistsAsync("/owned") is { } s && s.EphemeralOwner == session; }
                catch (ZooKeeperException) { return false; }
            }, Wait, "the ephemeral to be visible through the resumed session");
            Assert.Equal(session, client.SessionId);
        }
    }

    [Fact]
    public async Task Session_that_does_not_come_back_expires_after_the_restart()
    {
        var options = Options(tickTime: 500);
        long session;
        await using (var server = await CorralServer.StartAsync(options, CoreFactory.Create))
        {
            var client = await ConnectAsync(server, TimeSpan.FromSeconds(2));
            session = client.SessionId;
            await client.CreateAsync("/gone", "e", CreateMode.Ephemeral);
            await client.CreateAsync("/stays", "p");
            // Stop without closing the session; the restarted server listens elsewhere, so it never returns.
        }

        await using (var server = await CorralServer.StartAsync(options, CoreFactory.Create))
        {
            await using var observer = await ConnectAsync(server);
            Assert.NotNull(await observer.ExistsAsync("/stays"));
            await Deadline.WaitUntilAsync(async () => await observer.ExistsAsync("/gone") is null, Wait, "the ephemeral of the expired session to go");
            var sessions = await server.Loop.InvokeAsync(() => ((DurableCore)server.Loop.Core).Core.Tree.Sessions.ContainsKey(session));
            Assert.False(sessions);
        }
    }

    private string OnlySegment() => Directory.GetFiles(Path.Combine(_dir, "log"), TxnLogFormat.SegmentPrefix + "*").Single();

    /// <summary>Offset just past the last non-zero byte: the end of the records in a preallocated segment.</summary>
    private static long EndOfRecords(byte[] bytes)
    {
        int end = bytes.Length;
        while (end > 0 && bytes[end - 1] == 0) end--;
        return end;
    }

    [Fact]
    public async Task Torn_last_record_is_cut_and_the_server_starts_with_everything_before_it()
    {
        await using (var server = await CorralServer.StartAsync(Options(), CoreFactory.Create))
        {
            var client = await ConnectAsync(server);
            await client.CreateAsync("/kept", "1");
            await client.CreateAsync("/torn", "2"); // the last transaction: the server stops with the session open
        }
        string segment = OnlySegment();
        var bytes = await File.ReadAllBytesAsync(segment);
        long end = EndOfRecords(bytes);
        using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(end - 3); // a torn write of the last record

        await using (var server = await CorralServer.StartAsync(Options(), CoreFactory.Create))
        {
            var recovery = ((DurableCore)server.Loop.Core).Recovery;
            Assert.Contains(recovery.Warnings, w => w.Contains(Path.GetFileName(segment)));
            await using var client = await ConnectAsync(server);
            Assert.NotNull(await client.ExistsAsync("/kept"));
            Assert.Null(await client.ExistsAsync("/torn"));
            await client.CreateAsync("/next", "3"); // the log goes on after the cut
        }
        await using (var server = await CorralServer.StartAsync(Options(), CoreFactory.Create))
        {
            await using var client = await ConnectAsync(server);
            Assert.NotNull(await client.ExistsAsync("/next"));
        }
    }

    [Fact]
    public async Task Corruption_in_the_middle_of_the_log_refuses_to_start_naming_the_file()
    {
        await using (var server = await CorralServer.StartAsync(Options(), CoreFactory.Create))
        {
            await using var client = await ConnectAsync(server);
            for (int i = 0; i < 5; i++) await client.CreateAsync($"/n{i}", "data");
        }
        string segment = OnlySegment();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[TxnLogFormat.HeaderSize + TxnLogFormat.RecordHeaderSize + 4] ^= 0x10; // inside the first record's payload
        await File.WriteAllBytesAsync(segment, bytes);

        var e = await Assert.ThrowsAsync<StorageCorruptionException>(() => CorralServer.StartAsync(Options(), CoreFactory.Create));
        Assert.Contains(segment, e.Message);
        Assert.Equal(segment, e.FilePath);
    }

    [Fact]
    public async Task Failing_fsync_stops_the_server_and_the_write_is_never_acknowledged()
    {
        var fs = new InMemoryFileSystem();
        var options = new CorralServerOptions { ClientPort = 0, DataDir = "/data", MaxClientCnxns = 0 };
        DurableCore Open(CorralServerOptions o, TimeProvider t) =>
            DurableCore.Open(CoreFactory.ToCoreOptions(o), CoreFactory.ToStorageOptions(o), t, fs);

        var server = await CorralServer.StartAsync(options, Open);
        try
        {
            await using var client = await ConnectAsync(server);
            await client.CreateAsync("/acked", "1");
            fs.BeforeFlush = _ => throw new IOException("injected fsync failure");
            await Assert.ThrowsAnyAsync<Exception>(() => client.CreateAsync("/lost", "2"));
            await server.Stopped.WaitAsync(Wait);
            Assert.IsType<IOException>(server.Failure);
        }
        finally
        {
            await server.StopAsync();
        }

        // Power loss after the failure: only what was fsynced remains, and that includes every acknowledged write.
        fs.BeforeFlush = null;
        fs.Crash();
        using var recovered = DurableCore.Open(CoreFactory.ToCoreOptions(options), CoreFactory.ToStorageOptions(options), TimeProvider.System, fs);
        Assert.NotNull(recovered.Core.Tree.Find("/acked"));
        Assert.Null(recovered.Core.Tree.Find("/lost"));
    }

    [Fact]
    public async Task Fuzzy_snapshot_taken_during_writes_recovers_to_the_live_tree()
    {
        var options = Options();
        options.SnapCount = 200; // a snapshot every 100-200 transactions
        long liveDigest, liveZxid;
        int liveNodes;
        await using (var server = await CorralServer.StartAsync(options, CoreFactory.Create))
        {
            var durable = (DurableCore)server.Loop.Core;
            durable.SnapshotNodesPerSlice = 7; // many slices, so writes land between them
            var clients = new List<CorralClient>();
            for (int c = 0; c < 4; c++) clients.Add(await ConnectAsync(server));
            await clients[0].CreateAsync("/w", "");
            var writers = clients.Select(async (client, c) =>
            {
                await client.CreateAsync($"/w/{c}", "");
                for (int i = 0; i < 150; i++)
                {
                    var node = await client.CreateAsync($"/w/{c}/s-", $"{i}", CreateMode.PersistentSequential);
                    await client.SetDataAsync($"/w/{c}", $"{i}");
                    if (i % 3 == 0) await client.DeleteAsync(node.Path);
                    if (i % 10 == 0) await client.CreateAsync($"/w/{c}/e{i}", "", CreateMode.Ephemeral);
                }
            }).ToList();
            await Task.WhenAll(writers);
            await Deadline.WaitUntilAsync(() => durable.LastSnapshot is { IsCompleted: true }, Wait, "a snapshot to finish");
            Assert.True(durable.LastSnapshot!.IsCompletedSuccessfully);
            (liveDigest, liveZxid, liveNodes) = await server.Loop.InvokeAsync(() =>
                (durable.Core.Tree.Digest, durable.Core.Tree.LastProcessedZxid, durable.Core.Tree.NodeCount));
            // Stop with the sessions open: their ephemerals are part of the state to recover.
        }

        using var recovered = DurableCore.Open(CoreFactory.ToCoreOptions(options), CoreFactory.ToStorageOptions(options), TimeProvider.System);
        Assert.NotNull(recovered.Recovery.SnapshotPath);
        Assert.True(recovered.Recovery.ReplayedTxns > 0, "the log after the snapshot was replayed over it");
        Assert.Equal(liveZxid, recovered.Core.Tree.LastProcessedZxid);
        Assert.Equal(liveNodes, recovered.Core.Tree.NodeCount);
        Assert.Equal(liveDigest, recovered.Core.Tree.Digest);
    }
}
