using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using static Corral.Storage.Tests.TestLog;

namespace Corral.Storage.Tests;

/// <summary>Torn writes, lost unsynced data, bit flips and missing files, on the in-memory disk.</summary>
public class LogDamageTests
{
    private static int RecordSize(long zxid) => TxnLogFormat.RecordSize(Payload(zxid).Length);

    [Fact]
    public void A_crash_loses_exactly_the_unsynced_batch()
    {
        var fs = NewFs();
        var log = new TxnLog(fs, Dir, SmallOptions(), 0);
        WriteBatch(log, 0, 1, 10);
        var batch = new RecordBatch();
        for (long z = 11; z <= 20; z++) batch.Add(z, Payload(z), false);
        log.Write(batch); // written, never fsynced
        fs.Crash();

        var replayed = new List<long>();
        var result = Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 10), replayed);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_torn_last_write_is_cut_at_every_possible_tear_point()
    {
        // Batch 1..5 is durable; batch 6..8 is torn after t bytes, for every t.
        int batchBytes = RecordSize(6) + RecordSize(7) + RecordSize(8);
        for (int torn = 0; torn <= batchBytes; torn++)
        {
            var fs = NewFs();
            var log = new TxnLog(fs, Dir, SmallOptions(), 0);
            WriteBatch(log, 0, 1, 5);
            var batch = new RecordBatch();
            for (long z = 6; z <= 8; z++) batch.Add(z, Payload(z), false);
            log.Write(batch);
            fs.Crash(SegmentPath(1), keepWrites: 0, tornBytes: torn);

            // Records that made it whole are kept (they were never acknowledged, but they are intact);
            // a partial record is cut off.
            var expected = Range(0, 1, 5);
            int complete = 0;
            for (long z = 6; z <= 8 && complete + RecordSize(z) <= torn; z++) { complete += RecordSize(z); expected.Add(z); }
            var replayed = new List<long>();
            var result = Replay(fs, replayed);
            Assert.Equal(expected, replayed);
            // A warning appears exactly when the torn part left non-zero bytes behind (a tear inside a
            // length field's leading zero bytes changes nothing on disk).
            bool leftGarbage = batch.Bytes(0, batch.Count)[complete..torn].ContainsAnyExcept((byte)0);
            Assert.Equal(leftGarbage, result.Warnings.Any(w => w.Contains("torn tail")));

            // After the repair the log reads clean and continues after the last surviving zxid.
            using (var next = new TxnLog(fs, Dir, SmallOptions(), result.LastZxid))
                WriteBatch(next, 0, result.LastZxid + 1, result.LastZxid + 3);
            replayed.Clear();
            var again = Replay(fs, replayed);
            Assert.Equal(Range(0, 1, result.LastZxid + 3), replayed);
            Assert.Empty(again.Warnings);
        }
    }

    [Fact]
    public void A_bit_flip_in_the_last_record_is_treated_as_a_torn_tail()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0)) WriteBatch(log, 0, 1, 10);
        long lastRecordStart = fs.ReadAllBytes(SegmentPath(1)).Length - RecordSize(10);
        fs.FlipBit(SegmentPath(1), lastRecordStart + 20, 3);

        var replayed = new List<long>();
        var result = Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 9), replayed);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains($"offset {lastRecordStart}", warning);
        Assert.Contains("checksum mismatch", warning);
    }

    [Theory]
    [InlineData(2)]   // the length field
    [InlineData(5)]   // the crc field
    [InlineData(12)]  // the zxid
    [InlineData(17)]  // the payload
    public void A_bit_flip_in_the_middle_refuses_to_start_and_names_the_file(int byteInRecord)
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0)) WriteBatch(log, 0, 1, 10);
        long recordFiveStart = TxnLogFormat.HeaderSize + Enumerable.Range(1, 4).Sum(z => RecordSize(z));
        fs.FlipBit(SegmentPath(1), recordFiveStart + byteInRecord, 1);

        var ex = Assert.Throws<StorageCorruptionException>(() => ReplayAll(fs));
        Assert.Equal(SegmentPath(1), ex.FilePath);
        Assert.Contains(SegmentPath(1), ex.Message);
        Assert.Contains($"offset {recordFiveStart}", ex.Message);
        Assert.Contains("corrupt in the middle", ex.Message);
    }

    [Fact]
    public void A_damaged_tail_followed_by_another_segment_refuses_to_start()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 0, 1, 5);
            log.RollOver();
            WriteBatch(log, 0, 6, 8);
        }
        long lastRecordStart = fs.ReadAllBytes(SegmentPath(1)).Length - RecordSize(5);
        fs.FlipBit(SegmentPath(1), lastRecordStart + 18);
        var ex = Assert.Throws<StorageCorruptionException>(() => ReplayAll(fs));
        Assert.Equal(SegmentPath(1), ex.FilePath);
        Assert.Contains("later segments follow", ex.Message);
    }

    [Fact]
    public void A_missing_segment_is_a_gap_that_refuses_to_start()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 0, 1, 5);
            log.RollOver();
            WriteBatch(log, 0, 6, 10);
            log.RollOver();
            WriteBatch(log, 0, 11, 15);
        }
        fs.Delete(SegmentPath(6));
        var ex = Assert.Throws<StorageCorruptionException>(() => ReplayAll(fs));
        Assert.Equal(SegmentPath(11), ex.FilePath);
        Assert.Contains("Gap", ex.Message);
        Assert.Contains("0xb", ex.Message);
        Assert.Contains("0x5", ex.Message);

        // A snapshot that covers the gap makes the same files recoverable.
        var replayed = new List<long>();
        Replay(fs, replayed, after: 10);
        Assert.Equal(Range(0, 11, 15), replayed);
    }

    [Fact]
    public void A_log_that_does_not_reach_back_to_the_snapshot_refuses_to_start()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0))
        {
            WriteBatch(log, 0, 1, 5);
            log.RollOver();
            WriteBatch(log, 0, 6, 10);
        }
        fs.Delete(SegmentPath(1));
        var ex = Assert.Throws<StorageCorruptionException>(() => ReplayAll(fs, after: 3));
        Assert.Equal(SegmentPath(6), ex.FilePath);
    }

    [Fact]
    public void A_segment_whose_name_disagrees_with_its_header_refuses_to_start()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0)) WriteBatch(log, 0, 1, 3);
        fs.Rename(SegmentPath(1), SegmentPath(2));
        var ex = Assert.Throws<StorageCorruptionException>(() => ReplayAll(fs));
        Assert.Contains("its name says", ex.Message);
    }

    [Fact]
    public void A_last_segment_with_a_torn_header_is_deleted_and_the_log_continues()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0)) WriteBatch(log, 0, 1, 3);
        var header = new byte[TxnLogFormat.HeaderSize];
        TxnLogFormat.WriteHeader(header, 4);
        using (var f = fs.Open(SegmentPath(4), StorageOpenMode.CreateNew, 4096))
        {
            f.Write(0, header.AsSpan(0, 9)); // the crash tore the header
            f.Flush();
        }
        fs.SyncDirectory(Dir);

        var replayed = new List<long>();
        var result = Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 3), replayed);
        Assert.Contains(result.Warnings, w => w.Contains("never completely written"));
        Assert.False(fs.FileExists(SegmentPath(4)));

        using (var log = new TxnLog(fs, Dir, SmallOptions(), 3)) WriteBatch(log, 0, 4, 6);
        replayed.Clear();
        Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 6), replayed);
    }

    [Fact]
    public void A_corrupt_header_with_data_behind_it_refuses_to_start()
    {
        var fs = NewFs();
        using (var log = new TxnLog(fs, Dir, SmallOptions(), 0)) WriteBatch(log, 0, 1, 3);
        fs.FlipBit(SegmentPath(1), 1);
        var ex = Assert.Throws<StorageCorruptionException>(() => ReplayAll(fs));
        Assert.Contains("bad magic", ex.Message);
    }

    [Fact]
    public void An_empty_last_segment_left_by_a_crash_after_a_roll_is_removed()
    {
        var fs = NewFs();
        var log = new TxnLog(fs, Dir, SmallOptions(), 0);
        WriteBatch(log, 0, 1, 3);
        log.RollOver();
        var batch = new RecordBatch();
        batch.Add(4, Payload(4), false);
        log.Write(batch); // segment log.4 created durably, record 4 never synced
        fs.Crash();

        Assert.True(fs.FileExists(SegmentPath(4)));
        var replayed = new List<long>();
        var result = Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 3), replayed);
        Assert.Equal(3, result.LastZxid);
        Assert.False(fs.FileExists(SegmentPath(4)));
        using (var next = new TxnLog(fs, Dir, SmallOptions(), 3)) WriteBatch(next, 0, 4, 4);
        replayed.Clear();
        Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 4), replayed);
    }

    [Fact]
    public void Non_zero_bytes_after_the_end_marker_are_a_torn_tail_and_get_zeroed()
    {
        var fs = NewFs();
        var log = new TxnLog(fs, Dir, SmallOptions(), 0);
        WriteBatch(log, 0, 1, 3);
        long end = TxnLogFormat.HeaderSize + Enumerable.Range(1, 3).Sum(z => RecordSize(z));
        // A torn write that reached the disk out of order: the length field stayed zero, later bytes did not.
        fs.Corrupt(SegmentPath(1), end + 10, [7, 7, 7]);
        fs.Crash();

        var replayed = new List<long>();
        var result = Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 3), replayed);
        Assert.Contains(result.Warnings, w => w.Contains("non-zero bytes after the end-of-data marker"));
        Assert.All(fs.ReadAllBytes(SegmentPath(1))[(int)end..], b => Assert.Equal(0, b));
        Assert.Empty(Replay(fs, replayed).Warnings);
    }

    [Fact]
    public void Inspection_without_repair_leaves_the_file_alone()
    {
        var fs = NewFs();
        var log = new TxnLog(fs, Dir, SmallOptions(), 0);
        WriteBatch(log, 0, 1, 3);
        var batch = new RecordBatch();
        batch.Add(4, Payload(4), false);
        log.Write(batch);
        fs.Crash(SegmentPath(1), 0, 7);
        var before = fs.ReadAllBytes(SegmentPath(1));
        var result = LogReplayer.Replay(fs, Dir, 0, (_, _) => { }, 1 << 20, repair: false);
        Assert.Single(result.Warnings);
        Assert.Equal(before, fs.ReadAllBytes(SegmentPath(1)));
    }
}
