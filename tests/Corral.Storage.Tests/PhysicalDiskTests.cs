using System.Collections.Concurrent;
using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using Corral.Storage.Recovery;
using Xunit.Abstractions;
using static Corral.Storage.Tests.TestLog;

namespace Corral.Storage.Tests;

/// <summary>The same machinery on the real file system, in a temporary directory.</summary>
public sealed class PhysicalDiskTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corral-storage-").FullName;
    private string DataDir => Path.Combine(_root, "data");
    private string LogDir => Path.Combine(_root, "log");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private List<long> RecoverAll(out RecoveryResult result)
    {
        var replayed = new List<long>();
        result = StartupRecovery.Run(PhysicalFileSystem.Instance, DataDir, LogDir, (_, _) => { },
            (z, p) => { Assert.Equal(Payload(z), p.ToArray()); replayed.Add(z); });
        return replayed;
    }

    [Fact]
    public void Group_commit_on_a_real_disk_round_trips_and_preallocates()
    {
        var fs = PhysicalFileSystem.Instance;
        var options = new TxnLogOptions { PreallocationBytes = 1 << 20 };
        var durable = new ConcurrentQueue<long>();
        var committer = new GroupCommitter(new TxnLog(fs, LogDir, options, 0), durable.Enqueue);
        for (long z = 1; z <= 3000; z++) committer.Append(z, Payload(z));
        committer.Flush();
        Assert.Equal(1 << 20, new FileInfo(Path.Combine(LogDir, "log.1")).Length); // preallocated, not grown per write
        var (txns, batches, syncs) = committer.Stats;
        output.WriteLine($"real disk: {txns} txns in {batches} batches, {syncs} fsyncs");
        Assert.Equal(3000, txns);
        committer.Dispose();
        Assert.True(new FileInfo(Path.Combine(LogDir, "log.1")).Length < 1 << 20, "closing trims the preallocated tail");

        Assert.Equal(Range(0, 1, 3000), RecoverAll(out var result));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_torn_tail_in_a_real_file_is_cut_and_mid_file_damage_is_refused()
    {
        var fs = PhysicalFileSystem.Instance;
        using (var log = new TxnLog(fs, LogDir, new TxnLogOptions { PreallocationBytes = 4096 }, 0))
        {
            WriteBatch(log, 0, 1, 20);
        }
        string segment = Path.Combine(LogDir, "log.1");
        using (var stream = new FileStream(segment, FileMode.Append))
            stream.Write([0, 0, 0, 40, 1, 2, 3, 4, 5]); // half a record

        Assert.Equal(Range(0, 1, 20), RecoverAll(out var result));
        Assert.Contains("torn tail", Assert.Single(result.Warnings));
        Assert.Equal(Range(0, 1, 20), RecoverAll(out result));
        Assert.Empty(result.Warnings);

        var bytes = File.ReadAllBytes(segment);
        bytes[TxnLogFormat.HeaderSize + 20] ^= 0x10;
        File.WriteAllBytes(segment, bytes);
        var ex = Assert.Throws<StorageCorruptionException>(() => RecoverAll(out _));
        Assert.Equal(segment, ex.FilePath);
    }

    [Fact]
    public void Snapshots_are_published_atomically_with_a_directory_fsync()
    {
        var store = new Snapshots.SnapshotStore(PhysicalFileSystem.Instance, DataDir);
        var info = store.Write(0x500000001, s => s.Write(new byte[3 << 20]));
        Assert.Equal(["snap.500000001"], Directory.GetFiles(DataDir).Select(Path.GetFileName));
        Assert.Equal(3 << 20, Assert.Single(store.FindNewestValid(3)).ContentLength);
        Assert.Equal(info.Path, Path.Combine(DataDir, "snap.500000001"));
        PhysicalFileSystem.Instance.SyncDirectory(DataDir); // must not throw on Linux
    }
}
