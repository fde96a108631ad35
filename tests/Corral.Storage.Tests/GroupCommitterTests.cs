using System.Collections.Concurrent;
using Corral.Storage.Log;
using static Corral.Storage.Tests.TestLog;

namespace Corral.Storage.Tests;

public class GroupCommitterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public void UnsyncedBytes_counts_the_batch_being_fsynced_and_drops_before_its_durable_report()
    {
        var fs = NewFs();
        using var diskBusy = new ManualResetEventSlim(false);
        int syncsSeen = 0;
        // Sync 1 is the new segment's header; sync 2 is the first record batch, held until released.
        fs.BeforeFlush = _ => { if (Interlocked.Increment(ref syncsSeen) == 2) diskBusy.Wait(Deadline); };
        var seenAtReport = new ConcurrentQueue<long>();
        GroupCommitter? committer = null;
        using var c = committer = new GroupCommitter(new TxnLog(fs, Dir, SmallOptions(), 0),
            _ => seenAtReport.Enqueue(committer!.UnsyncedBytes));

        committer.Append(1, Payload(1));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref syncsSeen) >= 2, Deadline), "first batch never reached fsync");
        committer.Append(2, Payload(2));
        long first = TxnLogFormat.RecordSize(Payload(1).Length), second = TxnLogFormat.RecordSize(Payload(2).Length);
        Assert.Equal(second, committer.PendingBytes);                // only what the flusher has not taken
        Assert.Equal(first + second, committer.UnsyncedBytes);       // plus the batch stuck in fsync
        diskBusy.Set();
        committer.Flush();
        Assert.Equal(0, committer.UnsyncedBytes);
        // At the first report batch 1 no longer counts; batch 2 may still be pending or in flight.
        Assert.True(seenAtReport.TryPeek(out long atFirst));
        Assert.Equal(second, atFirst);
        Assert.Equal(0, seenAtReport.Last());
    }

    [Fact]
    public void Many_transactions_share_one_fsync_while_the_disk_is_busy()
    {
        var fs = NewFs();
        using var diskBusy = new ManualResetEventSlim(false);
        int syncsSeen = 0;
        // The first fsync of a record batch blocks until the test has queued everything else:
        // all those appends must then go out together in the next batch.
        fs.BeforeFlush = _ => { if (Interlocked.Increment(ref syncsSeen) == 2) diskBusy.Wait(Deadline); };
        var durable = new ConcurrentQueue<long>();
        using var committer = new GroupCommitter(new TxnLog(fs, Dir, SmallOptions(), 0), durable.Enqueue);

        committer.Append(1, Payload(1));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref syncsSeen) >= 2, Deadline), "first batch never reached fsync");
        for (long z = 2; z <= 1000; z++) committer.Append(z, Payload(z));
        Assert.Equal(Enumerable.Range(2, 999).Sum(z => TxnLogFormat.RecordSize(Payload(z).Length)), committer.PendingBytes);
        diskBusy.Set();
        committer.Flush();
        Assert.Equal(0, committer.PendingBytes);

        var (txns, batches, syncs) = committer.Stats;
        Assert.Equal(1000, txns);
        Assert.Equal(2, batches);
        Assert.Equal(3, syncs); // segment header + two batches, for 1000 transactions
        Assert.Equal([1L, 1000L], durable.ToArray());

        var replayed = new List<long>();
        Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 1000), replayed);
    }

    [Fact]
    public void Durable_reports_increase_and_end_at_the_last_append()
    {
        var fs = NewFs();
        var durable = new ConcurrentQueue<long>();
        using var committer = new GroupCommitter(new TxnLog(fs, Dir, SmallOptions(), 0), durable.Enqueue);
        for (long z = 1; z <= 5000; z++) committer.Append(z, Payload(z));
        committer.Flush();
        var reports = durable.ToArray();
        Assert.Equal(5000, reports[^1]);
        Assert.Equal(reports.Order(), reports);
        Assert.Equal(reports.Length, reports.Distinct().Count());
        Assert.Equal(5000, committer.DurableZxid);
        Assert.Equal(5000, committer.LastAppendedZxid);
    }

    [Fact]
    public void Without_force_sync_nothing_is_fsynced()
    {
        var fs = NewFs();
        var durable = new ConcurrentQueue<long>();
        using (var committer = new GroupCommitter(new TxnLog(fs, Dir, SmallOptions(forceSync: false), 0), durable.Enqueue))
        {
            for (long z = 1; z <= 300; z++) committer.Append(z, Payload(z));
            committer.Flush();
            Assert.Equal(300, committer.DurableZxid);
        }
        Assert.Equal(0, fs.FlushCount);
        Assert.Equal(0, fs.SyncDirectoryCount);
        fs.Crash(); // and therefore a power loss takes everything: the documented unsafety
        Assert.Empty(fs.ListFiles(Dir));
    }

    [Fact]
    public void Append_rejects_zxids_that_do_not_follow_the_last_one()
    {
        var fs = NewFs();
        using var committer = new GroupCommitter(new TxnLog(fs, Dir, SmallOptions(), Zxid.Make(1, 7)), _ => { });
        Assert.Throws<ArgumentException>(() => committer.Append(Zxid.Make(1, 9), [1]));
        Assert.Throws<ArgumentException>(() => committer.Append(Zxid.Make(1, 7), [1]));
        Assert.Throws<ArgumentException>(() => committer.Append(Zxid.Make(2, 2), [1]));
        committer.Append(Zxid.Make(2, 1), [1]);
        Assert.Throws<ArgumentException>(() => committer.Append(Zxid.Make(2, 2), new byte[(1 << 20) + 1]));
    }

    [Fact]
    public void After_a_snapshot_sync_the_log_continues_from_the_snapshot_in_a_new_segment()
    {
        var fs = NewFs();
        using (var committer = new GroupCommitter(new TxnLog(fs, Dir, SmallOptions(), 0), _ => { }))
        {
            for (long z = 1; z <= 5; z++) committer.Append(z, Payload(z));
            Assert.Throws<InvalidOperationException>(() => committer.StartAfterSnapshot(4));
            committer.StartAfterSnapshot(Zxid.Make(3, 17));
            committer.Append(Zxid.Make(3, 18), Payload(Zxid.Make(3, 18)));
            committer.Flush();
        }
        Assert.True(fs.FileExists(SegmentPath(Zxid.Make(3, 18))));
        var replayed = new List<long>();
        Replay(fs, replayed, after: Zxid.Make(3, 17));
        Assert.Equal([Zxid.Make(3, 18)], replayed);
        Assert.Throws<StorageCorruptionException>(() => ReplayAll(fs)); // without that snapshot it is a gap
    }

    [Fact]
    public void A_disk_failure_is_reported_once_and_stops_further_writes()
    {
        var fs = NewFs();
        int flushes = 0;
        fs.BeforeFlush = _ => { if (Interlocked.Increment(ref flushes) >= 2) throw new IOException("disk on fire"); };
        var failures = new ConcurrentQueue<Exception>();
        var durable = new ConcurrentQueue<long>();
        var committer = new GroupCommitter(new TxnLog(fs, Dir, SmallOptions(), 0), durable.Enqueue, failures.Enqueue);
        committer.Append(1, Payload(1));
        var flushError = Assert.Throws<IOException>(committer.Flush);
        Assert.Equal("disk on fire", flushError.InnerException!.Message);
        Assert.Equal("disk on fire", Assert.Single(failures).Message);
        Assert.Empty(durable);
        Assert.Throws<IOException>(() => committer.Append(2, Payload(2)));
        committer.Dispose();
        Assert.Single(failures);
    }

    [Fact]
    public void Dispose_writes_what_is_pending()
    {
        var fs = NewFs();
        var committer = new GroupCommitter(new TxnLog(fs, Dir, SmallOptions(), 0), _ => { });
        for (long z = 1; z <= 50; z++) committer.Append(z, Payload(z));
        committer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => committer.Append(51, Payload(51)));
        fs.Crash();
        var replayed = new List<long>();
        Replay(fs, replayed);
        Assert.Equal(Range(0, 1, 50), replayed);
    }
}
