using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using Corral.Storage.Recovery;
using Corral.Storage.Snapshots;
using Xunit.Abstractions;

namespace Corral.Storage.Tests;

/// <summary>
/// Restart-speed benchmark on the real disk: N small znodes recovered (a) by replaying N create
/// transactions from the log and (b) from a snapshot holding N znodes. The normal suite runs a
/// bounded tier (20,000 znodes) and checks the result; set CORRAL_STORAGE_BENCH_ZNODES=1000000 for
/// the figure recorded in docs/storage.md:
/// <c>CORRAL_STORAGE_BENCH_ZNODES=1000000 dotnet test tests/Corral.Storage.Tests -c Release --filter RecoveryBenchmark --logger "console;verbosity=detailed"</c>
/// The "tree" here is a dictionary and the records are shaped like ZooKeeper's CreateTxn and a
/// snapshot node (path, data, ACL ref, 68-byte stat), so the timing covers storage plus a
/// realistic decoding cost, not the real core's tree.
/// </summary>
public sealed class RecoveryBenchmarkTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corral-bench-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static byte[] CreateTxn(int i)
    {
        // path, data (10 bytes), acl ref, ephemeral owner, parent cversion: about 50 bytes.
        var path = Encoding.UTF8.GetBytes($"/bench/n{i:D7}");
        var txn = new byte[4 + path.Length + 4 + 10 + 8 + 8 + 4];
        var span = txn.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, path.Length); path.CopyTo(span[4..]);
        int o = 4 + path.Length;
        BinaryPrimitives.WriteInt32BigEndian(span[o..], 10);
        Encoding.ASCII.GetBytes($"value{i % 100000:D5}", span[(o + 4)..]);
        BinaryPrimitives.WriteInt32BigEndian(span[^4..], i);
        return txn;
    }

    private static void ApplyCreate(Dictionary<string, byte[]> tree, ReadOnlySpan<byte> txn)
    {
        int pathLength = BinaryPrimitives.ReadInt32BigEndian(txn);
        string path = Encoding.UTF8.GetString(txn.Slice(4, pathLength));
        int o = 4 + pathLength;
        int dataLength = BinaryPrimitives.ReadInt32BigEndian(txn[o..]);
        tree[path] = txn.Slice(o + 4, dataLength).ToArray();
    }

    [Fact]
    public void RecoveryBenchmark_recovers_every_znode_from_log_and_from_snapshot()
    {
        int n = int.TryParse(Environment.GetEnvironmentVariable("CORRAL_STORAGE_BENCH_ZNODES"), out int v) ? v : 20_000;
        var fs = PhysicalFileSystem.Instance;
        string dataDir = Path.Combine(_root, "data"), logDir = Path.Combine(_root, "log");

        // 1. Log N creates through group commit (fsync on).
        var sw = Stopwatch.StartNew();
        using (var committer = new GroupCommitter(new TxnLog(fs, logDir, new TxnLogOptions(), 0), _ => { }))
        {
            for (int i = 1; i <= n; i++) committer.Append(i, CreateTxn(i));
            committer.Flush();
            var stats = committer.Stats;
            output.WriteLine($"append {n:N0} txns: {sw.ElapsedMilliseconds} ms, {stats.Batches:N0} batches, {stats.Syncs:N0} fsyncs");
        }
        long logBytes = Directory.GetFiles(logDir).Sum(f => new FileInfo(f).Length);

        // 2. Recover from the log alone: first storage only (scan + checksums), then building the tree.
        sw.Restart();
        long scanned = 0;
        StartupRecovery.Run(fs, dataDir, logDir, (_, _) => { }, (_, payload) => scanned += payload.Length);
        output.WriteLine($"scan {n:N0} log records, storage only: {sw.ElapsedMilliseconds} ms");
        Assert.True(scanned > 0);

        var tree = new Dictionary<string, byte[]>(n);
        sw.Restart();
        var fromLog = StartupRecovery.Run(fs, dataDir, logDir, (_, _) => throw new InvalidOperationException("no snapshot yet"),
            (_, payload) => ApplyCreate(tree, payload));
        long logRecoveryMs = sw.ElapsedMilliseconds;
        Assert.Equal(n, fromLog.ReplayedTxns);
        Assert.Equal(n, fromLog.LastZxid);
        Assert.Equal(n, tree.Count);
        Assert.Equal("value00042"u8.ToArray(), tree["/bench/n0000042"]);
        output.WriteLine($"recover {n:N0} znodes by log replay ({logBytes / 1e6:F1} MB): {logRecoveryMs} ms");

        // 3. Snapshot the tree, then recover from the snapshot (and an empty log tail).
        sw.Restart();
        var snapshot = new SnapshotStore(fs, dataDir).Write(n, stream =>
        {
            var w = new BinaryWriter(stream);
            w.Write(tree.Count);
            var stat = new byte[68];
            foreach (var (path, data) in tree)
            {
                w.Write(path); w.Write(data.Length); w.Write(data); w.Write(1L); w.Write(stat);
            }
            w.Flush();
        });
        output.WriteLine($"snapshot {n:N0} znodes ({snapshot.ContentLength / 1e6:F1} MB): {sw.ElapsedMilliseconds} ms");

        var restored = new Dictionary<string, byte[]>();
        sw.Restart();
        var fromSnapshot = StartupRecovery.Run(fs, dataDir, logDir, (stream, _) =>
        {
            var r = new BinaryReader(stream);
            int count = r.ReadInt32();
            restored.EnsureCapacity(count);
            for (int i = 0; i < count; i++)
            {
                string path = r.ReadString();
                var data = r.ReadBytes(r.ReadInt32());
                r.ReadInt64(); r.ReadBytes(68);
                restored[path] = data;
            }
        }, (_, _) => throw new InvalidOperationException("nothing to replay after the snapshot"));
        long snapRecoveryMs = sw.ElapsedMilliseconds;
        Assert.Equal(n, fromSnapshot.SnapshotZxid);
        Assert.Equal(0, fromSnapshot.ReplayedTxns);
        Assert.Equal(n, restored.Count);
        Assert.Equal(tree["/bench/n0000001"], restored["/bench/n0000001"]);
        output.WriteLine($"recover {n:N0} znodes from snapshot (validate + load): {snapRecoveryMs} ms");
    }
}
