using System.Collections.Concurrent;
using System.Text;
using Corral.Storage.FileSystem;

namespace Corral.Storage.Tests;

/// <summary>The facade the server uses, driven by a toy key-value "core".</summary>
public class DurableStoreTests
{
    private static readonly StorageOptions Options = new()
    {
        DataDir = "/srv/data",
        DataLogDir = "/srv/log",
        PreallocationBytes = 8192,
        SnapCount = 20,
        SnapSizeLimitBytes = 0,
    };

    /// <summary>A minimal state machine: each transaction sets key = value; snapshots are "k=v" lines.</summary>
    private sealed class ToyCore
    {
        public readonly SortedDictionary<string, string> State = [];
        public long Applied;

        public static byte[] Txn(long zxid) => Encoding.UTF8.GetBytes($"k{zxid % 7}=v{zxid}");

        public void Apply(long zxid, ReadOnlySpan<byte> payload)
        {
            var parts = Encoding.UTF8.GetString(payload).Split('=');
            State[parts[0]] = parts[1]; // idempotent: replaying a txn the snapshot already holds is harmless
            Applied = zxid;
        }

        public void Save(Stream s)
        {
            using var w = new StreamWriter(s, leaveOpen: true);
            foreach (var (k, v) in State) w.WriteLine($"{k}={v}");
        }

        public void Load(Stream s, long zxid)
        {
            using var r = new StreamReader(s);
            while (r.ReadLine() is { } line) { var p = line.Split('='); State[p[0]] = p[1]; }
            Applied = zxid;
        }
    }

    [Fact]
    public async Task Writes_snapshots_and_restarts_with_the_same_state()
    {
        var fs = new InMemoryFileSystem();
        var expected = new ToyCore();
        var core = new ToyCore();
        var durable = new ConcurrentQueue<long>();
        int snapshotsTaken = 0;
        using (var store = new DurableStore(Options, fs, random: new Random(3)))
        {
            Assert.Throws<InvalidOperationException>(() => store.Start(_ => { }, _ => { }));
            var recovered = store.Recover(core.Load, core.Apply);
            Assert.Equal(0, recovered.LastZxid);
            store.Start(durable.Enqueue, ex => Assert.Fail(ex.ToString()));
            for (long z = 1; z <= 200; z++)
            {
                var txn = ToyCore.Txn(z);
                bool snapshotDue = store.Append(z, txn);
                core.Apply(z, txn);
                expected.Apply(z, txn);
                if (snapshotDue)
                {
                    var snapshot = new MemoryStream();
                    core.Save(snapshot); // a real core serialises concurrently; the toy copies first
                    var task = store.TryStartSnapshot(core.Applied, s => s.Write(snapshot.ToArray()));
                    if (task is not null) { await task; snapshotsTaken++; }
                }
            }
            store.Committer.Flush();
            Assert.Equal(200, durable.Last());
        }
        Assert.InRange(snapshotsTaken, 200 / 20, 200 / 10);
        fs.Crash(); // everything acknowledged must survive a power loss after shutdown

        var restarted = new ToyCore();
        using (var store = new DurableStore(Options, fs))
        {
            var result = store.Recover(restarted.Load, restarted.Apply);
            Assert.Equal(200, result.LastZxid);
            Assert.True(result.SnapshotZxid > 0);
            Assert.Equal(200 - result.SnapshotZxid, result.ReplayedTxns);
            Assert.Equal(expected.State, restarted.State);
            store.Start(_ => { }, _ => { });
            Assert.Throws<ArgumentException>(() => store.Append(202, ToyCore.Txn(202)));
            store.Append(201, ToyCore.Txn(201));

            var purge = store.Purge();
            Assert.Equal(3, purge.RetainedSnapshots.Count);
            Assert.Equal(3, fs.ListFiles(Options.DataDir).Count);
        }
    }

    [Fact]
    public async Task Only_one_background_snapshot_runs_at_a_time()
    {
        var fs = new InMemoryFileSystem();
        using var store = new DurableStore(Options, fs);
        store.Recover((_, _) => { }, (_, _) => { });
        store.Start(_ => { }, _ => { });
        store.Append(1, [1]);
        using var release = new ManualResetEventSlim();
        var first = store.TryStartSnapshot(1, s => { release.Wait(TimeSpan.FromSeconds(30)); s.WriteByte(1); });
        Assert.NotNull(first);
        Assert.Null(store.TryStartSnapshot(1, s => s.WriteByte(2)));
        release.Set();
        Assert.Equal(1, (await first!).Zxid);
        Assert.NotNull(store.TryStartSnapshot(1, s => s.WriteByte(3)));
    }
}
