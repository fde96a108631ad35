namespace Corral.Zab.Tests;

/// <summary>The leader's DIFF/TRUNC/SNAP decision table (zab-notes §3b with ZOOKEEPER-1154 and 2832 applied).</summary>
public sealed class SyncPlannerTests
{
    private static long Z(long e, long c) => Zxid.Make(e, c);

    private static ReplicatedLog Log(long snapshot, params long[] zxids) =>
        new(snapshot, zxids.Select(z => new LogEntry(z, [1])));

    // Leader history: snapshot at 1.2, then 1.3 1.4 2.1 2.2 4.1
    private static readonly ReplicatedLog Leader = Log(Z(1, 2), Z(1, 3), Z(1, 4), Z(2, 1), Z(2, 2), Z(4, 1));

    [Fact]
    public void PeerAtTheLeadersEnd_GetsAnEmptyDiff() =>
        Assert.Equal(new SyncPlan(SyncMode.Diff, Z(4, 1), Z(4, 1), "peer is current"), SyncPlanner.Plan(Leader, Z(4, 1), Z(4, 1)));

    [Fact]
    public void PeerPositionInHistory_GetsDiffFromThere()
    {
        var plan = SyncPlanner.Plan(Leader, Z(4, 1), Z(1, 4));
        Assert.Equal((SyncMode.Diff, Z(4, 1), Z(1, 4)), (plan.Mode, plan.Zxid, plan.SendAfter));
        Assert.Equal(SyncMode.Diff, SyncPlanner.Plan(Leader, Z(4, 1), Z(1, 2)).Mode); // exactly the snapshot point
    }

    [Fact]
    public void PeerBehindTheLeadersLog_GetsSnap() =>
        Assert.Equal(SyncMode.Snap, SyncPlanner.Plan(Leader, Z(4, 1), Z(1, 1)).Mode);

    [Fact]
    public void PeerAheadInTheSameEpoch_IsTruncatedToTheLeadersEnd()
    {
        // e.g. the peer logged an outstanding proposal 4.2 the leader's committed history does not include yet
        var plan = SyncPlanner.Plan(Leader, Z(4, 1), Z(4, 2));
        Assert.Equal((SyncMode.Trunc, Z(4, 1), Z(4, 1)), (plan.Mode, plan.Zxid, plan.SendAfter));
    }

    [Fact]
    public void PeerAheadAcrossAnEpochBoundary_GetsSnapNotTrunc() =>
        Assert.Equal(SyncMode.Snap, SyncPlanner.Plan(Leader, Z(2, 2), Z(3, 1)).Mode);

    [Fact]
    public void PeerWithAnUnknownTxnInASharedEpoch_IsTruncatedToThePreviousLeaderZxid()
    {
        // 1154: the leader has 2.1, 2.2 and more; a peer at 2.1.5 cannot exist within one epoch, but the
        // table still says: TRUNC to the largest leader zxid below it, then DIFF.
        var log = Log(0, Z(2, 1), Z(2, 3));
        var plan = SyncPlanner.Plan(log, Z(2, 3), Z(2, 2));
        Assert.Equal((SyncMode.Trunc, Z(2, 1), Z(2, 1)), (plan.Mode, plan.Zxid, plan.SendAfter));
    }

    [Fact]
    public void PeerWithAnUnknownTxnAcrossAnEpochBoundary_GetsSnap()
    {
        // 2832: the peer holds 1.5, which the leader never had; the leader's next txn is 2.1. TRUNC would have to
        // cross an epoch boundary, and a DIFF would keep 1.5 alive, so only SNAP is safe.
        var plan = SyncPlanner.Plan(Leader, Z(4, 1), Z(1, 5));
        Assert.Equal(SyncMode.Snap, plan.Mode);
    }

    [Fact]
    public void InjectedBug_SendsDiffWhereTruncOrSnapWasNeeded()
    {
        Assert.Equal(SyncMode.Diff, SyncPlanner.Plan(Leader, Z(4, 1), Z(4, 2), InjectedBug.DiffInsteadOfTrunc).Mode);
        Assert.Equal(SyncMode.Diff, SyncPlanner.Plan(Leader, Z(4, 1), Z(1, 5), InjectedBug.DiffInsteadOfTrunc).Mode);
        // a peer that is merely behind still gets SNAP
        Assert.Equal(SyncMode.Snap, SyncPlanner.Plan(Leader, Z(4, 1), Z(1, 1), InjectedBug.DiffInsteadOfTrunc).Mode);
    }

    [Fact]
    public void ReplicatedLog_RangeTruncateCompact()
    {
        var log = Log(Z(1, 2), Z(1, 3), Z(1, 4), Z(2, 1));
        Assert.Equal([Z(1, 4), Z(2, 1)], log.Range(Z(1, 3), Z(2, 1)).Select(e => e.Zxid));
        Assert.Equal(Z(1, 4), log.PreviousBelow(Z(1, 5)));
        Assert.Equal(Z(1, 2), log.PreviousBelow(Z(1, 3)));
        Assert.True(log.Contains(Z(1, 2)));
        Assert.False(log.Contains(Z(1, 5)));
        Assert.Throws<InvalidOperationException>(() => log.Append(new LogEntry(Z(1, 9), [])));
        log.TruncateAfter(Z(1, 3));
        Assert.Equal(Z(1, 3), log.LastZxid);
        log.Compact(Z(1, 3));
        Assert.Equal(0, log.Count);
        Assert.Equal(Z(1, 3), log.LastZxid);
    }
}
