using Corral.Storage.Snapshots;

namespace Corral.Storage.Tests;

public class SnapshotPolicyTests
{
    private static int TxnsUntilDue(SnapshotPolicy policy)
    {
        int n = 0;
        while (!policy.OnTransactionLogged(10)) n++;
        return n + 1;
    }

    [Fact]
    public void Snapshot_is_due_between_half_and_all_of_snapCount_and_the_point_is_randomised()
    {
        var policy = new SnapshotPolicy(snapCount: 1000, snapSizeLimitBytes: 0, random: new Random(42));
        var points = new HashSet<int>();
        for (int i = 0; i < 50; i++)
        {
            int due = TxnsUntilDue(policy);
            Assert.InRange(due, 501, 1000);
            points.Add(due);
            policy.Reset();
        }
        Assert.True(points.Count > 10, "the threshold must vary between snapshots");
    }

    [Fact]
    public void Size_limit_triggers_a_snapshot_before_the_count()
    {
        var policy = new SnapshotPolicy(snapCount: 1_000_000, snapSizeLimitBytes: 10_000, random: new Random(1));
        int due = TxnsUntilDue(policy); // 10 bytes per transaction
        Assert.InRange(due, 501, 1001);
    }

    [Fact]
    public void Tiny_snap_counts_are_clamped()
    {
        var policy = new SnapshotPolicy(snapCount: 0, snapSizeLimitBytes: 0, random: new Random(1));
        Assert.Equal(2, TxnsUntilDue(policy));
    }
}
