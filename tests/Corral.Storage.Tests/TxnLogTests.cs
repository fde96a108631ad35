using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using static Corral.Storage.Tests.TestLog;

namespace Corral.Storage.Tests;

public class TxnLogTests
{
    [Fact]
    public void Records_round_trip_in_order_with_their_payloads()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 0, 1, 10);
            WriteBatch(log, 0, 11, 25);
            Assert.Equal(Zxid.Make(0, 25), log.LastZxid);
        }
        var replayed = new List<long>();
        var result = Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 25), replayed);
        Assert.Equal(Zxid.Make(0, 25), result.LastZxid);
        Assert.Equal(25, result.ReplayedTxns);
        Assert.Empty(result.Warnings);
        Assert.Equal(["log.1"], fs.ListFiles(Dir));
    }

    [Fact]
    public void Segment_file_starts_with_the_documented_header()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0)) WriteBatch(log, 0, 1, 1);
        var bytes = fs.ReadAllBytes(SegmentPath(1));
        Assert.Equal(new byte[] { 0x43, 0x52, 0x4C, 0x47, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, bytes[..20]);
        // First record: length = 8 + payload, then crc, then zxid 1.
        int payloadLength = Payload(1).Length;
        Assert.Equal(new byte[] { 0, 0, 0, (byte)(8 + payloadLength) }, bytes[24..28]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1 }, bytes[32..40]);
        // Closed segments are trimmed to their data.
        Assert.Equal(24 + 16 + payloadLength, bytes.Length);
    }

    [Fact]
    public void Preallocation_grows_the_file_in_steps_not_per_write()
    {
        var fs = NewFs();
        var options = SmallOptions() with { PreallocationBytes = 64 * 1024 };
        using var log = new TxnLog(fs, Dir, options, 0);
        var lengths = new HashSet<long>();
        for (int c = 1; c <= 400; c++)
        {
            WriteBatch(log, 0, c, c);
            using var f = fs.Open(log.CurrentSegmentPath!, StorageOpenMode.ReadOnly);
            lengths.Add(f.Length);
        }
        // ~400 records of ~70 bytes fit in one 64 KiB step; the file size never changed.
        Assert.Equal([64 * 1024L], lengths);
    }

    [Fact]
    public void Log_rolls_to_a_new_segment_on_request_on_size_and_after_restart()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions() with { SegmentRollBytes = 1000 }, 0))
        {
            WriteBatch(log, 0, 1, 5);
            log.RollOver();
            WriteBatch(log, 0, 6, 8);
            WriteBatch(log, 0, 9, 100); // ~3.7 KB: crosses 1000 bytes several times inside the batch
        }
        var segments = TxnLogFormat.ListSegments(fs, Dir);
        Assert.Equal(1, segments[0].FirstZxid);
        Assert.Equal(6, segments[1].FirstZxid);
        Assert.True(segments.Count >= 5, $"expected size-based rolls, got {segments.Count} segments");
        foreach (var (_, path) in segments.Skip(1).SkipLast(1)) // the first was rolled on request
            Assert.InRange(fs.ReadAllBytes(path).Length, 1000 - 100, 1000 + 100);

        using (var log = new TxnLog(fs, Dir, SmallOptions(), Zxid.Make(0, 100)))
            WriteBatch(log, 0, 101, 101);
        Assert.True(fs.FileExists(SegmentPath(101)), "a reopened log starts a new segment");

        var replayed = new List<long>();
        Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 101), replayed);
    }

    [Fact]
    public void A_new_epoch_continues_the_log_and_a_snapshot_jump_opens_a_segment()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 1, 1, 3);
            WriteBatch(log, 2, 1, 2);
        }
        var replayed = new List<long>();
        Replay(fs, replayed);
        Assert.Equal([.. Range(1, 1, 3), .. Range(2, 1, 2)], replayed);
    }

    [Fact]
    public void Replay_after_a_snapshot_starts_in_the_segment_that_holds_the_next_zxid()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 0, 1, 10);
            log.RollOver();
            WriteBatch(log, 0, 11, 20);
            log.RollOver();
            WriteBatch(log, 0, 21, 30);
        }
        // Make the first segment unreadable: it must not even be opened when the snapshot is at 15.
        fs.FlipBit(SegmentPath(1), 0);
        var replayed = new List<long>();
        var result = Replay(fs, replayed, after: 15);
        Assert.Equal(Range(0, 16, 30), replayed);
        Assert.Equal(30, result.LastZxid);

        // A snapshot at the very end: nothing to replay, last zxid is the snapshot's.
        replayed.Clear();
        Assert.Equal(30, Replay(fs, replayed, after: 30).LastZxid);
        Assert.Empty(replayed);
        Assert.Equal(40, Replay(fs, replayed, after: 40).LastZxid);
    }

    [Fact]
    public void Read_from_returns_the_requested_range_across_segments()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 0, 1, 10);
            log.RollOver();
            WriteBatch(log, 0, 11, 20);
        }
        var records = TxnLogMaintenance.ReadFrom(fs, Dir, 8, 13).ToList();
        Assert.Equal(Range(0, 8, 13), records.Select(r => r.Zxid));
        Assert.All(records, r => Assert.Equal(Payload(r.Zxid), r.Payload));
        Assert.Equal(Range(0, 15, 20), TxnLogMaintenance.ReadFrom(fs, Dir, 15, 99).Select(r => r.Zxid));

        fs.FlipBit(SegmentPath(11), TxnLogFormat.HeaderSize + 12);
        Assert.Equal(Range(0, 5, 10), TxnLogMaintenance.ReadFrom(fs, Dir, 5, 10).Select(r => r.Zxid)); // stops before the damage
        var ex = Assert.Throws<StorageCorruptionException>(() => TxnLogMaintenance.ReadFrom(fs, Dir, 5, 12).ToList());
        Assert.Equal(SegmentPath(11), ex.FilePath);
    }

    [Fact]
    public void Truncate_after_removes_later_records_and_segments()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 1, 1, 10);
            log.RollOver();
            WriteBatch(log, 1, 11, 20);
        }
        TxnLogMaintenance.TruncateAfter(fs, Dir, Zxid.Make(1, 7));
        var replayed = new List<long>();
        var result = Replay(fs, replayed);
        Assert.Equal(Range(1, 1, 7), replayed);
        Assert.Empty(result.Warnings);
        Assert.False(fs.FileExists(SegmentPath(Zxid.Make(1, 11))));

        // The log then continues in another epoch from the truncation point.
        using (var log = new TxnLog(fs, Dir, SmallOptions(), Zxid.Make(1, 7))) WriteBatch(log, 2, 1, 3);
        replayed.Clear();
        Replay(fs, replayed);
        Assert.Equal([.. Range(1, 1, 7), .. Range(2, 1, 3)], replayed);

        // Cutting at a zxid the log never held removes exactly the records above it.
        TxnLogMaintenance.TruncateAfter(fs, Dir, Zxid.Make(1, 9));
        replayed.Clear();
        Replay(fs, replayed);
        Assert.Equal(Range(1, 1, 7), replayed);
    }
}
