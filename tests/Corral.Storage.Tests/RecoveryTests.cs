using System.Text;
using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using Corral.Storage.Recovery;
using Corral.Storage.Snapshots;
using static Corral.Storage.Tests.TestLog;

namespace Corral.Storage.Tests;

public class RecoveryTests
{
    private const string DataDir = "/data/snap";

    private static InMemoryFileSystem NewDirs()
    {
        var fs = NewFs();
        fs.CreateDirectory(DataDir);
        return fs;
    }

    private sealed class Recovered
    {
        public string? SnapshotContent;
        public long SnapshotZxid = -1;
        public List<long> Replayed = [];
    }

    private static (RecoveryResult Result, Recovered State) Recover(IStorageFileSystem fs)
    {
        var state = new Recovered();
        var result = StartupRecovery.Run(fs, DataDir, Dir,
            (stream, zxid) => { state.SnapshotContent = new StreamReader(stream).ReadToEnd(); state.SnapshotZxid = zxid; },
            (zxid, payload) => { Assert.Equal(Payload(zxid), payload.ToArray()); state.Replayed.Add(zxid); });
        return (result, state);
    }

    [Fact]
    public void An_empty_data_directory_recovers_to_zxid_zero_without_a_snapshot()
    {
        var fs = new InMemoryFileSystem();
        var (result, state) = Recover(fs);
        Assert.Equal(0, result.LastZxid);
        Assert.Equal(0, result.SnapshotZxid);
        Assert.Null(result.SnapshotPath);
        Assert.Null(state.SnapshotContent);
        Assert.Empty(state.Replayed);
        Assert.True(fs.DirectoryExists(DataDir));
        Assert.True(fs.DirectoryExists(Dir));
    }

    [Fact]
    public void Newest_snapshot_is_loaded_and_only_later_transactions_are_replayed()
    {
        var fs = NewDirs();
        var snaps = new SnapshotStore(fs, DataDir);
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 1, 1, 10);
            snaps.Write(Zxid.Make(1, 4), s => s.Write("state@4"u8));
            log.RollOver();
            WriteBatch(log, 1, 11, 20);
            // Fuzzy snapshot: labelled 12, taken while 13.. were being logged.
            snaps.Write(Zxid.Make(1, 12), s => s.Write("state@12"u8));
            log.RollOver();
            WriteBatch(log, 2, 1, 5);
        }
        var (result, state) = Recover(fs);
        Assert.Equal("state@12", state.SnapshotContent);
        Assert.Equal(Zxid.Make(1, 12), state.SnapshotZxid);
        Assert.Equal([.. Range(1, 13, 20), .. Range(2, 1, 5)], state.Replayed);
        Assert.Equal(Zxid.Make(2, 5), result.LastZxid);
        Assert.Equal(13, result.ReplayedTxns);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_corrupt_newest_snapshot_falls_back_to_the_older_one_and_replays_more()
    {
        var fs = NewDirs();
        var snaps = new SnapshotStore(fs, DataDir);
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 0, 1, 10);
            snaps.Write(3, s => s.Write("state@3"u8));
            snaps.Write(8, s => s.Write("state@8"u8));
        }
        fs.FlipBit(Path.Combine(DataDir, "snap.8"), 25);
        var (result, state) = Recover(fs);
        Assert.Equal("state@3", state.SnapshotContent);
        Assert.Equal(Range(0, 4, 10), state.Replayed);
        Assert.Contains(result.Warnings, w => w.Contains("snap.8"));
    }

    [Fact]
    public void Falling_back_past_purged_logs_refuses_to_start()
    {
        var fs = NewDirs();
        var snaps = new SnapshotStore(fs, DataDir);
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 0, 1, 10);
            log.RollOver();
            WriteBatch(log, 0, 11, 20);
        }
        snaps.Write(15, s => s.Write("state@15"u8));
        fs.Delete(SegmentPath(1)); // purged: only snapshot 15 can anchor recovery
        fs.FlipBit(Path.Combine(DataDir, "snap.f"), 25);
        var ex = Assert.Throws<StorageCorruptionException>(() => Recover(fs));
        Assert.Equal(SegmentPath(11), ex.FilePath);
    }

    [Fact]
    public void Recovery_removes_temporary_snapshot_files_and_cuts_a_torn_tail()
    {
        var fs = NewDirs();
        var log = new TxnLog(fs, Dir, SmallOptions(), 0);
        WriteBatch(log, 0, 1, 5);
        var batch = new RecordBatch();
        batch.Add(6, Payload(6), false);
        log.Write(batch);
        using (var tmp = fs.Open(Path.Combine(DataDir, "snap.5.tmp"), StorageOpenMode.CreateNew)) { tmp.Write(0, [1, 2, 3]); tmp.Flush(); }
        fs.SyncDirectory(DataDir);
        fs.Crash(SegmentPath(1), 0, 20);

        var (result, state) = Recover(fs);
        Assert.Equal(Range(0, 1, 5), state.Replayed);
        Assert.Equal(5, result.LastZxid);
        Assert.Single(result.Warnings, w => w.Contains("torn tail"));
        Assert.Empty(fs.ListFiles(DataDir));
    }

    [Fact]
    public void Refusal_to_start_names_the_file_and_says_what_to_do()
    {
        var fs = NewDirs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0)) WriteBatch(log, 0, 1, 10);
        fs.FlipBit(SegmentPath(1), TxnLogFormat.HeaderSize + 10); // inside the first record
        var ex = Assert.Throws<StorageCorruptionException>(() => Recover(fs));
        Assert.StartsWith("Damaged record at offset 24", ex.Message);
        Assert.Contains($"[file: {SegmentPath(1)}]", ex.Message);
        Assert.Contains("Refusing to start", ex.Message);
    }
}
