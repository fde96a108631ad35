using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using Corral.Storage.Retention;
using Corral.Storage.Snapshots;
using static Corral.Storage.Tests.TestLog;

namespace Corral.Storage.Tests;

public class PurgeTests
{
    private const string DataDir = "/data/snap";

    /// <summary>Segments starting at 1, 11, 21, 31, 41 and snapshots at 5, 15, 25, 35, 45.</summary>
    private static (InMemoryFileSystem Fs, SnapshotStore Snaps) History()
    {
        var fs = NewFs();
        fs.CreateDirectory(DataDir);
        var snaps = new SnapshotStore(fs, DataDir);
        using var log = new TxnLog(fs, Dir, SmallOptions(), 0);
        for (int s = 0; s < 5; s++)
        {
            log.RollOver();
            WriteBatch(log, 0, s * 10 + 1, s * 10 + 10);
            snaps.Write(s * 10 + 5, st => st.Write([(byte)s]));
        }
        return (fs, snaps);
    }

    [Fact]
    public void Keeps_the_newest_snapshots_and_the_logs_they_need()
    {
        var (fs, _) = History();
        var result = Purger.Purge(fs, DataDir, Dir, 3);
        Assert.Equal([45L, 35L, 25L], result.RetainedSnapshots.Select(s => s.Zxid));
        Assert.Equal(["snap.19", "snap.23", "snap.2d"], fs.ListFiles(DataDir).Order());
        // Snapshot 25 replays from 26, which lives in log.15 (21..30).
        Assert.Equal(["log.15", "log.1f", "log.29"], fs.ListFiles(Dir).Order());
        Assert.Equal([Path.Combine(DataDir, "snap.f"), Path.Combine(DataDir, "snap.5")], result.DeletedSnapshots.Order().Reverse());
        Assert.Equal(2, result.DeletedLogSegments.Count);

        // What is left still recovers from the oldest kept snapshot.
        var replayed = new List<long>();
        Replay(fs, replayed, after: 25);
        Assert.Equal(Range(0, 26, 50), replayed);
    }

    [Fact]
    public void A_snapshot_at_the_end_of_a_segment_needs_only_the_segments_after_it()
    {
        var (fs, _) = History();
        new SnapshotStore(fs, DataDir).Write(30, st => st.Write([9]));
        Purger.Purge(fs, DataDir, Dir, 3);
        // Kept snapshots 45, 35, 30: replay from 31 starts in log.1f (31..40), so log.15 (21..30) goes.
        Assert.Equal(["log.1f", "log.29"], fs.ListFiles(Dir).Order());
    }

    [Fact]
    public void Invalid_snapshots_do_not_count_towards_the_retained_ones()
    {
        var (fs, _) = History();
        fs.FlipBit(Path.Combine(DataDir, "snap.2d"), 24);
        var result = Purger.Purge(fs, DataDir, Dir, 3);
        Assert.Equal([35L, 25L, 15L], result.RetainedSnapshots.Select(s => s.Zxid));
        Assert.Contains("snap.2d", fs.ListFiles(DataDir)); // newer than the oldest kept: left for the operator
        Assert.DoesNotContain("snap.5", fs.ListFiles(DataDir));
    }

    [Fact]
    public void A_snapshot_being_written_is_not_disturbed_by_a_purge()
    {
        var (fs, snaps) = History();
        var purged = false;
        var info = snaps.Write(50, s =>
        {
            s.Write([1]);
            Purger.Purge(fs, DataDir, Dir, 3); // autopurge fires while the .tmp is open
            purged = true;
        });
        Assert.True(purged);
        Assert.Equal(50, Assert.Single(snaps.FindNewestValid(1)).Zxid);
        Assert.Equal(info.Path, Path.Combine(DataDir, "snap.32"));
    }

    [Fact]
    public void Fewer_than_three_retained_snapshots_is_refused_and_missing_dirs_are_reported()
    {
        var (fs, _) = History();
        Assert.Throws<ArgumentOutOfRangeException>(() => Purger.Purge(fs, DataDir, Dir, 2));
        Assert.Throws<DirectoryNotFoundException>(() => Purger.Purge(fs, "/nope", Dir, 3));
    }

    [Fact]
    public void Without_any_valid_snapshot_nothing_is_deleted()
    {
        var fs = NewFs();
        fs.CreateDirectory(DataDir);
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0)) WriteBatch(log, 0, 1, 3);
        var result = Purger.Purge(fs, DataDir, Dir, 3);
        Assert.Empty(result.DeletedLogSegments);
        Assert.Equal(["log.1"], fs.ListFiles(Dir));
    }

    [Fact]
    public void Autopurge_runs_on_its_interval_and_is_off_at_zero()
    {
        var time = new ManualTimeProvider();
        int runs = 0;
        using (var off = new AutoPurge(() => { runs++; return new PurgeResult([], [], []); }, TimeSpan.Zero, time))
        {
            Assert.False(off.Enabled);
            time.Advance(TimeSpan.FromDays(1));
            Assert.Equal(0, runs);
        }
        using var on = new AutoPurge(() => { runs++; return new PurgeResult([], [], []); }, TimeSpan.FromHours(1), time);
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, runs);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, runs);
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(3, runs);
    }
}
