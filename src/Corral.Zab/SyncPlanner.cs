namespace Corral.Zab;

public enum SyncMode { Diff, Trunc, Snap }

/// <summary>
/// How the leader brings one learner up to its history: the mode packet and its zxid, and the point
/// after which the leader's history entries (up to historyEnd) follow as PROPOSAL + COMMIT pairs.
/// For SNAP the entries follow the snapshot's own zxid instead.
/// </summary>
public readonly record struct SyncPlan(SyncMode Mode, long Zxid, long SendAfter, string Reason);

/// <summary>
/// The leader's DIFF/TRUNC/SNAP decision (LearnerHandler.syncFollower), with ZOOKEEPER-1154 and 2832 applied:
/// a peer position is always a real log position (never a counter-0 epoch zxid), TRUNC only happens
/// within one epoch, and a peer that holds txns the leader lacks across an epoch boundary gets SNAP.
/// </summary>
internal static class SyncPlanner
{
    public static SyncPlan Plan(ReplicatedLog log, long historyEnd, long peerLastZxid, InjectedBug bugs = InjectedBug.None)
    {
        var plan = PlanCorrectly(log, historyEnd, peerLastZxid);
        if ((bugs & InjectedBug.DiffInsteadOfTrunc) != 0 &&
            (plan.Mode == SyncMode.Trunc || (plan.Mode == SyncMode.Snap && plan.Reason.StartsWith("diverged", StringComparison.Ordinal))))
            return new SyncPlan(SyncMode.Diff, historyEnd, Math.Min(peerLastZxid, historyEnd), "INJECTED BUG: diff instead of trunc");
        return plan;
    }

    private static SyncPlan PlanCorrectly(ReplicatedLog log, long historyEnd, long peer)
    {
        if (peer == historyEnd)
            return new SyncPlan(SyncMode.Diff, historyEnd, historyEnd, "peer is current");

        if (peer > historyEnd)
        {
            // The peer holds a suffix the leader lacks. Within one epoch every server saw the same
            // leader's stream in order, so the peer also holds historyEnd and TRUNC is exact.
            return Zxid.EpochOf(peer) == Zxid.EpochOf(historyEnd) && historyEnd != 0
                ? new SyncPlan(SyncMode.Trunc, historyEnd, historyEnd, "peer ahead in the same epoch")
                : new SyncPlan(SyncMode.Snap, 0, 0, "diverged: peer ahead across an epoch boundary");
        }

        if (peer < log.SnapshotZxid)
            return new SyncPlan(SyncMode.Snap, 0, 0, "peer behind the leader's log");

        if (log.Contains(peer))
            return new SyncPlan(SyncMode.Diff, historyEnd, peer, "peer position is in the leader's history");

        // The peer's last zxid is one the leader never had (ZOOKEEPER-1154).
        var prev = log.PreviousBelow(peer);
        var next = log.FirstAbove(peer)!.Value;
        return Zxid.EpochOf(next.Zxid) == Zxid.EpochOf(peer)
            ? new SyncPlan(SyncMode.Trunc, prev, prev, "peer holds an unknown txn in a shared epoch")
            : new SyncPlan(SyncMode.Snap, 0, 0, "diverged: peer holds an unknown txn across an epoch boundary");
    }
}
