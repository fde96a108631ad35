using System.CommandLine;
using System.Diagnostics;
using Corral.Client;
using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;
using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Corral.Server.Storage;
using Corral.Storage;

namespace Corral.Cli;

/// <summary>
/// <c>corral recovery-bench build|recover</c>: restart speed of the real server on a big data directory.
/// <c>build</c> writes N znodes of S bytes (under 1,000 parents) through the transaction log with group
/// commit, then a snapshot, then a tail of setData transactions after it (so a restart loads the
/// snapshot and replays a log, as in production). <c>recover</c> starts the server on that directory
/// and times recovery, the listener coming up, and the first read by a client.
/// </summary>
public static class RecoveryBenchCommand
{
    private const int Parents = 1000;

    public static Command Create()
    {
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "data directory to build or recover", Required = true };
        var znodes = new Option<int>("--znodes") { Description = "znodes to create (build)", DefaultValueFactory = _ => 1_000_000 };
        var size = new Option<int>("--size") { Description = "bytes of data per znode (build)", DefaultValueFactory = _ => 100 };
        var tail = new Option<int>("--tail") { Description = "setData transactions logged after the snapshot (build)", DefaultValueFactory = _ => 100_000 };
        var noSnapshot = new Option<bool>("--no-snapshot") { Description = "build a log only, so recover replays every transaction" };

        var build = new Command("build", "Create a data directory of N znodes (log + snapshot + log tail)") { dataDir, znodes, size, tail, noSnapshot };
        build.SetAction(parse => Build(parse.GetValue(dataDir)!.FullName, parse.GetValue(znodes), parse.GetValue(size), parse.GetValue(tail), parse.GetValue(noSnapshot)));
        var readPath = new Option<string>("--path") { Description = "znode to read once the server is up (recover)", DefaultValueFactory = _ => "/bench/p0000/n0000000" };
        var recover = new Command("recover", "Start the server on the directory and time restart to first read") { dataDir, readPath };
        recover.SetAction((parse, _) => RecoverAsync(parse.GetValue(dataDir)!.FullName, parse.GetValue(readPath)!));
        return new Command("recovery-bench", "Restart-speed benchmark: build a big data directory, then time recovery to first read") { build, recover };
    }

    private static int Build(string dir, int znodes, int size, int tail, bool noSnapshot)
    {
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            Console.Error.WriteLine($"corral recovery-bench build: {dir} is not empty");
            return 1;
        }
        var sw = Stopwatch.StartNew();
        Exception? failure = null;
        using var store = new DurableStore(new StorageOptions { DataDir = dir, SnapCount = long.MaxValue, SnapSizeLimitBytes = 0 });
        store.Recover((_, _) => { }, (_, _) => { });
        store.Start(_ => { }, e => failure = e);
        var tree = new DataTree();
        long zxid = 0;
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var data = new byte[size];
        Random.Shared.NextBytes(data);

        void Log(Txn txn)
        {
            var header = new TxnHeader(0, 0, ++zxid, now, txn.Type);
            tree.Apply(header, txn);
            store.Append(zxid, TxnCodec.Serialize(header, txn));
        }
        void Create(string path, byte[] bytes)
        {
            var parent = tree.Find(ZPath.Parent(path))!;
            Log(new CreateTxn(path, bytes, Acl.OpenAclUnsafe, 0, parent.ChildCreations + 1));
        }

        Create("/bench", []);
        for (int p = 0; p < Parents; p++) Create($"/bench/p{p:D4}", []);
        for (int i = 0; i < znodes; i++) Create($"/bench/p{i % Parents:D4}/n{i:D7}", data);
        store.Committer.Flush();
        Console.WriteLine($"logged {zxid} creates in {sw.Elapsed.TotalSeconds:F1} s");
        if (!noSnapshot)
        {
            var snap = Stopwatch.StartNew();
            var info = store.TakeSnapshot(tree.LastProcessedZxid, tree.WriteSnapshot);
            Console.WriteLine($"snapshot {Path.GetFileName(info.Path)}: {info.ContentLength / 1e6:F0} MB in {snap.Elapsed.TotalSeconds:F1} s");
            for (int i = 0; i < tail && znodes > 0; i++)
            {
                string path = $"/bench/p{i % Parents:D4}/n{i % znodes:D7}";
                Log(new SetDataTxn(path, data, tree.Find(path)!.Version + 1));
            }
            store.Committer.Flush();
            Console.WriteLine($"logged {tail} setData after the snapshot");
        }
        if (failure is not null) throw new IOException("the log failed", failure);
        Console.WriteLine($"built {dir}: {tree.NodeCount} znodes, last zxid 0x{zxid:x}, digest {tree.Digest:x}, {sw.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static async Task<int> RecoverAsync(string dir, string readPath)
    {
        var options = new CorralServerOptions { ClientPort = 0, DataDir = dir, MaxClientCnxns = 0 };
        var total = Stopwatch.StartNew();
        TimeSpan recovered = default;
        DurableCore? core = null;
        var server = await CorralServer.StartAsync(options, (o, t) =>
        {
            core = DurableCore.Open(CoreFactory.ToCoreOptions(o), CoreFactory.ToStorageOptions(o), t);
            recovered = total.Elapsed;
            return core;
        });
        var listening = total.Elapsed;
        try
        {
            await using var client = await CorralClient.ConnectAsync(server.ConnectString);
            var first = await client.GetDataAsync(readPath);
            var firstRead = total.Elapsed;
            var r = core!.Recovery;
            Console.WriteLine($"recovered {await server.Loop.InvokeAsync(() => core.Core.Tree.NodeCount)} znodes up to zxid 0x{r.LastZxid:x}: " +
                              $"snapshot {(r.SnapshotPath is null ? "(none)" : Path.GetFileName(r.SnapshotPath))}, {r.ReplayedTxns} log records replayed");
            Console.WriteLine($"snapshot load {core.RecoveryTime.SnapshotLoad.TotalSeconds:F2} s of recovery {core.RecoveryTime.Total.TotalSeconds:F2} s (the rest: finding and checksumming the snapshot, log replay)");
            Console.WriteLine($"recovery {recovered.TotalSeconds:F2} s, listening {listening.TotalSeconds:F2} s, first read {firstRead.TotalSeconds:F2} s ({first.Data?.Length ?? 0} bytes)");
            Console.WriteLine($"managed heap after recovery: {GC.GetTotalMemory(false) / 1e6:F0} MB");
        }
        finally
        {
            await server.StopAsync();
        }
        return 0;
    }
}
