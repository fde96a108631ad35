using System.Collections.Concurrent;
using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using Corral.Storage.Recovery;
using Corral.Storage.Retention;
using Corral.Storage.Snapshots;
using Xunit.Abstractions;
using static Corral.Storage.Tests.TestLog;

namespace Corral.Storage.Tests;

/// <summary>
/// Randomised crash loop on the in-memory disk: append through the group committer (with roll-overs,
/// epoch changes and snapshots), pull the plug at a random moment while the flusher runs, keep a
/// random prefix of the unsynced writes plus a torn piece of the next, recover, and check that
/// every acknowledged transaction is there, in order, with its payload, and nothing else is
/// half-present. The default run does <see cref="DefaultCycles"/> cycles; set
/// CORRAL_STORAGE_CRASH_CYCLES (e.g. 2000) for a long soak, CORRAL_STORAGE_CRASH_SEED to replay one seed.
/// </summary>
public class CrashRecoveryPropertyTests(ITestOutputHelper output)
{
    private const int DefaultCycles = 60;
    private const string DataDir = "/data/snap";

    [Fact]
    public void Acknowledged_transactions_survive_random_crashes()
    {
        int cycles = int.TryParse(Environment.GetEnvironmentVariable("CORRAL_STORAGE_CRASH_CYCLES"), out int c) ? c : DefaultCycles;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("CORRAL_STORAGE_CRASH_SEED"), out int s) ? s : Environment.TickCount;
        output.WriteLine($"seed {seed}, {cycles} cycles (replay with CORRAL_STORAGE_CRASH_SEED={seed})");
        var random = new Random(seed);
        var fs = NewFs();
        fs.CreateDirectory(DataDir);
        var snapshots = new SnapshotStore(fs, DataDir);
        long maxAcknowledged = 0;
        int repairs = 0;
        long replayedTotal = 0;
        var options = SmallOptions() with { SegmentRollBytes = 3000, PreallocationBytes = 2048 };

        for (int cycle = 0; cycle < cycles; cycle++)
        {
            // Recover and check everything acknowledged before the last crash is present.
            var replayed = new List<long>();
            RecoveryResult recovery;
            try
            {
                recovery = StartupRecovery.Run(fs, DataDir, Dir, (_, _) => { },
                    (zxid, payload) => { Assert.Equal(Payload(zxid), payload.ToArray()); replayed.Add(zxid); });
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"cycle {cycle}, seed {seed}: recovery failed: {ex.Message}");
            }
            repairs += recovery.Warnings.Count;
            replayedTotal += replayed.Count;
            if (random.Next(5) == 0) Purger.Purge(fs, DataDir, Dir, Purger.MinRetainCount); // keeps the disk (and the run) bounded
            long last = recovery.LastZxid;
            Assert.True(last >= maxAcknowledged, $"cycle {cycle}, seed {seed}: lost acknowledged {Zxid.Describe(maxAcknowledged)}, recovered up to {Zxid.Describe(last)}");
            for (int i = 1; i < replayed.Count; i++)
                Assert.True(Zxid.IsSuccessor(replayed[i - 1], replayed[i]), $"cycle {cycle}, seed {seed}: replay out of order");
            if (replayed.Count > 0)
                Assert.True(Zxid.IsSuccessor(recovery.SnapshotZxid, replayed[0]), $"cycle {cycle}, seed {seed}: replay does not continue the snapshot");

            // Write more, then crash at a random point: either from here, or (armed) inside the
            // flusher's next fsync, when a written batch is on its way to the disk.
            var acknowledged = new ConcurrentQueue<long>();
            var hookRandom = new Random(random.Next());
            int armed = 0;
            fs.BeforeFlush = _ => { if (Interlocked.Exchange(ref armed, 0) == 1) fs.CrashRandomly(hookRandom); };
            var committer = new GroupCommitter(new TxnLog(fs, Dir, options, last), acknowledged.Enqueue, _ => { });
            long zxid = last;
            int appends = random.Next(1, 400);
            int crashAfter = random.Next(0, appends);
            bool crashInFsync = random.Next(2) == 0;
            for (int i = 0; i < appends; i++)
            {
                zxid = random.Next(100) == 0 ? Zxid.Make(Zxid.Epoch(zxid) + 1, 1) : zxid + 1;
                try { committer.Append(zxid, Payload(zxid)); }
                catch (IOException) { break; } // the crash in fsync killed the log
                if (random.Next(50) == 0) committer.RollOver();
                if (random.Next(150) == 0)
                {
                    long durable = committer.DurableZxid;
                    try { if (durable > 0) snapshots.Write(durable, st => st.Write([1, 2, 3])); }
                    catch (IOException) { break; }
                }
                if (i == crashAfter)
                {
                    if (crashInFsync) { Volatile.Write(ref armed, 1); continue; }
                    if (random.Next(3) == 0) committer.Flush();
                    fs.CrashRandomly(random);
                    break;
                }
            }
            if (Interlocked.Exchange(ref armed, 0) == 1) fs.CrashRandomly(random); // no fsync came: crash now
            fs.BeforeFlush = null;
            // The "process" died with the crash: shutting its committer down may hit the stale handles.
            try { committer.Dispose(); }
            catch (IOException) { }
            if (!acknowledged.IsEmpty) maxAcknowledged = Math.Max(maxAcknowledged, acknowledged.Max());
        }
        output.WriteLine($"final acknowledged zxid {Zxid.Describe(maxAcknowledged)}; {repairs} repairs (torn tails, empty segments, bad snapshots); {replayedTotal} txns replayed");
        Assert.True(maxAcknowledged > 0);
    }
}
