using Corral.Protocol;
using Corral.Zab.Tests.Checkers;
using Corral.Zab.Tests.Simulation;
using Sim = Corral.Zab.Tests.Simulation.Simulation;

namespace Corral.Zab.Tests;

/// <summary>
/// One readable script per known ZooKeeper data-loss bug class (docs/zab-notes.md §7). Each drives a quiet
/// simulated ensemble through the exact crash/sync interleaving, asserts the precise outcome, and ends
/// with the full history checks.
/// </summary>
public sealed class ScenarioTests
{
    private const long Budget = 10_000;

    private static Sim StartEnsemble(int voters = 3, int snapshotEvery = 1000, long counterLimit = 0xffffffffL, InjectedBug bugs = InjectedBug.None)
    {
        // CORRAL_SCENARIO_TRACE=path writes a message-level trace of the scenario there.
        var tracePath = Environment.GetEnvironmentVariable("CORRAL_SCENARIO_TRACE");
        var trace = tracePath is null ? null : new StreamWriter(tracePath) { AutoFlush = true };
        var sim = Sim.Scripted(voters, snapshotEvery, counterLimit: counterLimit, bugs: bugs, trace: trace);
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.AllServing(), Budget), sim.DescribeServers());
        return sim;
    }

    private static WriteRecord Committed(Sim sim, SimClient c, int server, SimOp op, string path, string data = "", bool ephemeral = false)
    {
        var w = sim.WriteAndWait(c, server, op, path, data, ephemeral: ephemeral);
        Assert.NotNull(w);
        Assert.Equal(WriteOutcome.Acked, w.Outcome);
        return w;
    }

    private static int[] Followers(Sim sim) => sim.Servers.Keys.Where(id => id != sim.Leader!.Id).ToArray();

    private static void ConvergeAndCheck(Sim sim)
    {
        Assert.True(sim.RunUntil(() => sim.Servers.Values.All(s => s.IsUp) && sim.AllServing() &&
                                       sim.Servers.Values.All(s => s.Machine!.LastZxid == sim.Leader!.Peer!.CommittedZxid), Budget),
            sim.DescribeServers());
        HistoryChecker.Check(sim);
    }

    private static bool LogHas(SimServer s, long zxid) => s.Disk.Log.Any(e => e.Zxid == zxid);

    /// <summary>
    /// ZOOKEEPER-1154 class: the leader logs x alone and everyone crashes. The others elect without x;
    /// the old leader rejoins holding x and must be truncated, never DIFFed past it.
    /// </summary>
    [Fact]
    public void LeaderLogsTxnOnlyLocally_ThenEveryoneCrashes_TheTxnIsTruncated()
    {
        var sim = StartEnsemble();
        var client = sim.AddClient();
        var oldLeader = sim.Leader!.Id;
        var committed = Committed(sim, client, oldLeader, SimOp.Create, "/kv/k0", "a");

        sim.Network.DropFilter = m => m.From == oldLeader && m.Type == ZabMessageType.Proposal;
        var x = sim.SubmitWrite(client, oldLeader, SimOp.SetData, "/kv/k0", "x");
        Assert.NotNull(x);
        var xZxid = Zxid.Make(Zxid.EpochOf(committed.Zxid), Zxid.CounterOf(committed.Zxid) + 1);
        Assert.True(sim.RunUntil(() => LogHas(sim.Server(oldLeader), xZxid) && sim.Server(oldLeader).Disk.SyncedCount == sim.Server(oldLeader).Disk.Log.Count, Budget));

        foreach (var id in sim.Servers.Keys) sim.Crash(id);
        sim.Network.DropFilter = null;
        var others = sim.Servers.Keys.Where(id => id != oldLeader).ToArray();
        sim.StartAll(others);
        Assert.True(sim.RunUntil(() => sim.AllServing(others), Budget), sim.DescribeServers());
        Assert.All(others, id => Assert.Equal(committed.Zxid, sim.Server(id).Peer!.LastLoggedZxid));

        var truncsBefore = sim.SyncCounts[SyncMode.Trunc];
        sim.Restart(oldLeader);
        Assert.True(sim.RunUntil(() => sim.AllServing(), Budget), sim.DescribeServers());
        Assert.Equal(truncsBefore + 1, sim.SyncCounts[SyncMode.Trunc]);
        Assert.False(LogHas(sim.Server(oldLeader), xZxid));
        Assert.Equal(WriteOutcome.Unknown, x.Outcome); // its server crashed before answering

        var after = Committed(sim, sim.AddClient(), sim.Leader!.Id, SimOp.SetData, "/kv/k0", "b");
        Assert.Equal(Zxid.EpochOf(committed.Zxid) + 1, Zxid.EpochOf(after.Zxid));
        ConvergeAndCheck(sim);
        Assert.All(sim.Servers.Values, s => Assert.Equal(new ReadResult(true, "b", 1), s.Machine!.Read("/kv/k0")));
    }

    /// <summary>The same script with the leader's TRUNC replaced by DIFF: the checkers must see the stale txn resurface.</summary>
    [Fact]
    public void LeaderLogsTxnOnlyLocally_WithDiffInsteadOfTrunc_IsCaughtByTheCheckers()
    {
        var sim = StartEnsemble(bugs: InjectedBug.DiffInsteadOfTrunc);
        var client = sim.AddClient();
        var oldLeader = sim.Leader!.Id;
        Committed(sim, client, oldLeader, SimOp.Create, "/kv/k0", "a");
        sim.Network.DropFilter = m => m.From == oldLeader && m.Type == ZabMessageType.Proposal;
        sim.SubmitWrite(client, oldLeader, SimOp.SetData, "/kv/k0", "x");
        sim.RunFor(100);
        foreach (var id in sim.Servers.Keys) sim.Crash(id);
        sim.Network.DropFilter = null;
        var others = sim.Servers.Keys.Where(id => id != oldLeader).ToArray();
        sim.StartAll(others);
        Assert.True(sim.RunUntil(() => sim.AllServing(others), Budget));
        sim.Restart(oldLeader);

        var violation = Assert.Throws<InvariantViolationException>(() =>
        {
            sim.RunUntil(() => sim.AllServing(), Budget);
            sim.WriteAndWait(sim.AddClient(), sim.Leader!.Id, SimOp.SetData, "/kv/k0", "b");
            sim.RunFor(500);
        });
        Assert.Contains("PrefixConsistency", violation.Message);
    }

    /// <summary>
    /// ZOOKEEPER-2832 class: follower F holds an uncommitted txn x of epoch 1; a new leader established
    /// epoch 2 with a lower last zxid (its history lacks x) and wrote in the new epoch. F must lose x (SNAP,
    /// since TRUNC across an epoch boundary is not allowed), and no bare counter-0 zxid may stand for a position.
    /// </summary>
    [Fact]
    public void FollowerHoldsUncommittedTxn_NewLeaderHasLowerZxid_FollowerDropsIt()
    {
        var sim = StartEnsemble(voters: 5);
        var client = sim.AddClient();
        var l = sim.Leader!.Id;
        var followers = Followers(sim);
        var f = followers[0];
        var rest = followers.Skip(1).ToArray();
        var a = Committed(sim, client, l, SimOp.Create, "/kv/k0", "a");

        // x reaches only f; nobody but l and f logs it, so it cannot commit.
        sim.Network.DropFilter = m => m.From == l && m.Type == ZabMessageType.Proposal && m.To != f;
        sim.SubmitWrite(client, l, SimOp.SetData, "/kv/k0", "x");
        var xZxid = a.Zxid + 1;
        Assert.True(sim.RunUntil(() => LogHas(sim.Server(f), xZxid), Budget));
        sim.Crash(l);
        sim.Crash(f);
        sim.Network.DropFilter = null;

        Assert.True(sim.RunUntil(() => sim.AllServing(rest), Budget), sim.DescribeServers());
        var newLeader = sim.Leader!;
        Assert.Equal(a.Zxid, newLeader.Peer!.LastLoggedZxid); // the new epoch adds no counter-0 log position
        Assert.True(newLeader.Peer.CurrentEpoch > Zxid.EpochOf(xZxid));
        var b = Committed(sim, sim.AddClient(), newLeader.Id, SimOp.SetData, "/kv/k1", "b");

        var snapsBefore = sim.SyncCounts[SyncMode.Snap];
        sim.Restart(f);
        sim.Restart(l);
        Assert.True(sim.RunUntil(() => sim.AllServing(), Budget), sim.DescribeServers());
        Assert.True(sim.SyncCounts[SyncMode.Snap] >= snapsBefore + 2, "both holders of x are re-imaged");
        Assert.All(sim.Servers.Values, s => Assert.False(LogHas(s, xZxid)));
        Assert.All(sim.Servers.Values, s => Assert.Equal(new ReadResult(true, "a", 0), s.Machine!.Read("/kv/k0")));
        Assert.True(b.Zxid > xZxid);
        ConvergeAndCheck(sim);
    }

    /// <summary>
    /// ZOOKEEPER-3642: the leader dies after sending SNAP but before NEWLEADER. The follower must not keep the
    /// snapshot it never acknowledged: its reported zxid and its disk stay what they were.
    /// </summary>
    [Fact]
    public void CrashAfterSnapBeforeNewLeader_FollowerReportsOnlyWhatIsOnDisk()
    {
        var sim = StartEnsemble(snapshotEvery: 2);
        var client = sim.AddClient();
        var l = sim.Leader!.Id;
        var (f, lagging) = (Followers(sim)[0], Followers(sim)[1]);
        Committed(sim, client, l, SimOp.Create, "/kv/k0", "a");
        sim.Crash(lagging);
        for (var i = 0; i < 6; i++) Committed(sim, client, l, SimOp.SetData, "/kv/k0", $"v{i}");
        Assert.True(sim.Server(l).Disk.SnapshotData.Zxid > sim.Server(lagging).Disk.Log.LastOrDefault().Zxid, "the leader compacted past the lagging follower");

        var diskBefore = sim.Server(lagging).Disk.Load();
        sim.Network.DropFilter = m => m.From == l && m.To == lagging && m.Type == ZabMessageType.NewLeader;
        sim.DeliveryLog = [];
        sim.Restart(lagging);
        Assert.True(sim.RunUntil(() => sim.DeliveryLog.Any(m => m.To == lagging && m.Type == ZabMessageType.Snap), Budget));
        sim.RunFor(20); // the proposals and commits after the snapshot arrive too
        sim.Crash(l);

        var peer = sim.Server(lagging).Peer!;
        var durableTail = diskBefore.Log.Count > 0 ? diskBefore.Log[^1].Zxid : diskBefore.SnapshotZxid;
        Assert.Equal(durableTail, peer.LastLoggedZxid);
        Assert.True(peer.LastLoggedZxid < sim.Server(f).Peer!.LastLoggedZxid, "the follower is still behind: the SNAP was not kept");
        Assert.Equal(diskBefore.SnapshotZxid, sim.Server(lagging).Disk.SnapshotData.Zxid);
        Assert.Equal(diskBefore.Log.Count, sim.Server(lagging).Disk.Log.Count);

        sim.Network.DropFilter = null;
        var survivors = new[] { f, lagging };
        Assert.True(sim.RunUntil(() => sim.AllServing(survivors), Budget), sim.DescribeServers());
        Assert.Equal(f, sim.Leader!.Id);
        sim.Restart(l);
        ConvergeAndCheck(sim);
        Assert.All(sim.Servers.Values, s => Assert.Equal(new ReadResult(true, "v5", 6), s.Machine!.Read("/kv/k0")));
    }

    /// <summary>
    /// ZOOKEEPER-3911/4646/4643: the follower's NEWLEADER ACK must follow the durable log and currentEpoch.
    /// The Ready carrying the ACK must also carry the synced txns with MustSync and the new currentEpoch; then the
    /// leader and that follower (the quorum) crash, and nothing committed is lost.
    /// </summary>
    [Fact]
    public void NewLeaderAck_FollowsDurableLogAndEpoch_SoAQuorumCrashLosesNothing()
    {
        var sim = StartEnsemble();
        var client = sim.AddClient();
        var l = sim.Leader!.Id;
        var (f1, f2) = (Followers(sim)[0], Followers(sim)[1]);
        sim.EnsureSession(client, l); // every server logs the session, so f2's sync below carries exactly a and b
        sim.Crash(f2);
        var a = Committed(sim, client, l, SimOp.Create, "/kv/k0", "a");
        var b = Committed(sim, client, l, SimOp.SetData, "/kv/k0", "b");
        sim.Crash(f1);

        var acks = new List<Ready>();
        sim.ReadyObserver = (s, r) =>
        {
            if (s.Id == f2 && r.Messages.Any(m => m.Type == ZabMessageType.Ack && Zxid.IsEpochStart(m.Zxid))) acks.Add(r);
        };
        sim.Restart(f2); // l alone lost its quorum; l and f2 form a new epoch, f2 synced by DIFF
        Assert.True(sim.RunUntil(() => sim.AllServing([l, f2]), Budget), sim.DescribeServers());

        var ackReady = Assert.Single(acks);
        Assert.Equal([a.Zxid, b.Zxid], ackReady.Append.Select(e => e.Zxid));
        Assert.True(ackReady.MustSync);
        var newEpoch = Zxid.EpochOf(ackReady.Messages.Single(m => m.Type == ZabMessageType.Ack).Zxid);
        Assert.Equal(newEpoch, ackReady.CurrentEpoch);
        Assert.Equal(newEpoch, sim.Server(f2).Disk.CurrentEpoch);
        Assert.Equal(b.Zxid, sim.Server(f2).Disk.Log[^1].Zxid);
        Assert.Equal(sim.Server(f2).Disk.Log.Count, sim.Server(f2).Disk.SyncedCount);

        var c = Committed(sim, client, sim.Leader!.Id, SimOp.SetData, "/kv/k0", "c");
        sim.Crash(l);
        sim.Crash(f2);
        sim.StartAll();
        ConvergeAndCheck(sim);
        Assert.All(sim.Servers.Values, s => Assert.Equal(new ReadResult(true, "c", 2), s.Machine!.Read("/kv/k0")));
        Assert.True(sim.Checker.IndexOf(c.Zxid) >= 0);
    }

    /// <summary>
    /// ZOOKEEPER-4394: a proposal outstanding during sync reaches the joining follower before NEWLEADER, and
    /// its COMMIT arrives after the follower's NEWLEADER ACK but before UPTODATE. The follower must keep it
    /// pending through the ACK, then log, ACK and apply it after UPTODATE.
    /// </summary>
    [Fact]
    public void CommitBetweenNewLeaderAckAndUpToDate_IsAppliedAfterUpToDate()
    {
        var sim = StartEnsemble();
        var client = sim.AddClient();
        var l = sim.Leader!.Id;
        var (f1, f2) = (Followers(sim)[0], Followers(sim)[1]);
        sim.Crash(f2);
        Committed(sim, client, l, SimOp.Create, "/kv/k0", "a");

        sim.Network.Stall(f1, l); // f1's ACK for x waits, so x stays outstanding
        var x = sim.SubmitWrite(client, l, SimOp.SetData, "/kv/k0", "x");
        Assert.NotNull(x);
        Assert.True(sim.RunUntil(() => sim.Server(f1).Peer!.LastLoggedZxid > sim.Server(f1).Peer!.CommittedZxid, Budget));

        sim.Network.StallWhen = m => m.From == f2 && m.To == l && m.Type == ZabMessageType.Ack && Zxid.IsEpochStart(m.Zxid);
        sim.DeliveryLog = [];
        sim.Restart(f2);
        Assert.True(sim.RunUntil(() => sim.Network.Held(f2, l).Count > 0, Budget), sim.DescribeServers());

        sim.Network.Release(f1, l, sim.Now, (at, m) => sim.Schedule(at, () => sim.Inject(m)));
        Assert.True(sim.RunUntil(() => x.Outcome == WriteOutcome.Acked, Budget));
        Assert.True(sim.RunUntil(() => sim.DeliveryLog.Any(m => m.To == f2 && m.Type == ZabMessageType.Commit && m.Zxid == x.Zxid), Budget));
        Assert.False(sim.Server(f2).Peer!.IsServing);

        sim.Network.Release(f2, l, sim.Now, (at, m) => sim.Schedule(at, () => sim.Inject(m)));
        Assert.True(sim.RunUntil(() => sim.AllServing(), Budget), sim.DescribeServers());
        var toF2 = sim.DeliveryLog.Where(m => m.To == f2).Select(m => (m.Type, m.Zxid)).ToList();
        var newLeader = toF2.FindIndex(t => t.Type == ZabMessageType.NewLeader);
        var commit = toF2.FindIndex(t => t.Type == ZabMessageType.Commit && t.Zxid == x.Zxid);
        var upToDate = toF2.FindIndex(t => t.Type == ZabMessageType.UpToDate);
        Assert.True(newLeader < commit && commit < upToDate, string.Join(", ", toF2));
        Assert.True(sim.RunUntil(() => sim.Server(f2).Machine!.LastZxid == x.Zxid, Budget));
        Assert.Equal(x.Zxid, sim.Server(f2).Disk.Log[^1].Zxid);
        ConvergeAndCheck(sim);
    }

    /// <summary>
    /// A session with ephemerals closes during failover. A close the old leader logged alone is lost with it
    /// and the client's retry removes the ephemerals; a close every follower logged survives the leader's
    /// crash and the new leader commits it. Either way every replica agrees.
    /// </summary>
    [Fact]
    public void SessionCloseDuringFailover_EphemeralsGoneEverywhereOnce_Committed()
    {
        var sim = StartEnsemble();
        var owner = sim.AddClient();
        var l = sim.Leader!.Id;
        Committed(sim, owner, l, SimOp.Create, "/eph/a", ephemeral: true);
        Committed(sim, owner, l, SimOp.Create, "/eph/b", ephemeral: true);
        var session = owner.SessionId;

        // 1. The close reaches only the leader's log, then the leader dies.
        sim.Network.DropFilter = m => m.From == l && m.Type == ZabMessageType.Proposal;
        var lost = sim.SubmitWrite(owner, l, SimOp.CloseSession, "");
        Assert.NotNull(lost);
        sim.RunFor(50);
        sim.Crash(l);
        sim.Network.DropFilter = null;
        var others = sim.Servers.Keys.Where(id => id != l).ToArray();
        Assert.True(sim.RunUntil(() => sim.AllServing(others), Budget), sim.DescribeServers());
        Assert.All(others, id => Assert.Equal(2, sim.Server(id).Machine!.EphemeralsOf(session).Count()));

        // The client retries with the same session; this time it commits.
        owner.SessionId = session;
        Committed(sim, owner, sim.Leader!.Id, SimOp.CloseSession, "");
        sim.Restart(l);
        ConvergeAndCheck(sim);
        Assert.All(sim.Servers.Values, s => Assert.Empty(s.Machine!.EphemeralsOf(session)));

        // 2. A second session's close is logged by every follower, but the leader dies before COMMIT goes out.
        var second = sim.AddClient();
        var l2 = sim.Leader!.Id;
        Committed(sim, second, l2, SimOp.Create, "/eph/c", ephemeral: true);
        var session2 = second.SessionId;
        sim.Network.DropFilter = m => m.From == l2 && m.Type == ZabMessageType.Commit;
        sim.SubmitWrite(second, l2, SimOp.CloseSession, "");
        var followers2 = sim.Servers.Keys.Where(id => id != l2).ToArray();
        Assert.True(sim.RunUntil(() => followers2.All(id => sim.Server(id).Peer!.LastLoggedZxid > sim.Server(id).Peer!.CommittedZxid), Budget));
        sim.Crash(l2);
        sim.Network.DropFilter = null;
        Assert.True(sim.RunUntil(() => sim.AllServing(followers2) && followers2.All(id => !sim.Server(id).Machine!.EphemeralsOf(session2).Any()), Budget),
            sim.DescribeServers());
        // The close is committed: the session can no longer own ephemerals.
        second.SessionId = session2;
        var late = sim.WriteAndWait(second, sim.Leader!.Id, SimOp.Create, "/eph/d", ephemeral: true);
        Assert.Equal(WriteOutcome.Acked, late!.Outcome);
        Assert.Equal(ErrorCode.SessionExpired, late.Result.Code);
        sim.Restart(l2);
        ConvergeAndCheck(sim);
        Assert.All(sim.Servers.Values, s => Assert.Empty(s.Machine!.EphemeralsOf(session2)));
    }

    /// <summary>
    /// ZOOKEEPER-1277: the leader never proposes the last counter value; it steps down, a new epoch starts
    /// with counter 1, and the refused write succeeds when retried.
    /// </summary>
    [Fact]
    public void CounterRollover_ForcesANewEpoch()
    {
        const long limit = 5;
        var sim = StartEnsemble(counterLimit: limit);
        var client = sim.AddClient();
        sim.EnsureSession(client, sim.Leader!.Id); // its CreateSession takes counter 1
        Assert.True(client.SessionCreated);
        var firstEpoch = sim.Leader!.Peer!.EstablishedLeaderEpoch;
        var zxids = new List<long>();
        var refusals = 0;
        for (var i = 0; i < 5; i++)
        {
            while (true)
            {
                Assert.True(sim.RunUntil(() => sim.AllServing(), Budget), sim.DescribeServers());
                var w = sim.WriteAndWait(client, sim.Leader!.Id, SimOp.SetData, "/kv/k0", $"v{i}");
                if (w is { Outcome: WriteOutcome.Acked })
                {
                    zxids.Add(w.Zxid);
                    break;
                }
                refusals++;
                Assert.True(refusals < 5, "the ensemble keeps refusing writes");
            }
        }
        Assert.Equal(1, refusals);
        Assert.Equal(Enumerable.Range(2, 3).Select(c => Zxid.Make(firstEpoch, c)), zxids.Take(3));
        Assert.True(Zxid.EpochOf(zxids[3]) > firstEpoch);
        Assert.Equal(1, Zxid.CounterOf(zxids[3]));
        Assert.Equal(zxids[3] + 1, zxids[4]);
        Assert.All(sim.Checker.GlobalOrder, e => Assert.True(Zxid.CounterOf(e.Zxid) is > 0 and < limit));
        ConvergeAndCheck(sim);
    }
}

/// <summary>Network faults the connection layer must absorb without confusing two streams.</summary>
public sealed class ConnectionScenarioTests
{
    /// <summary>
    /// A duplicated FOLLOWERINFO arriving after the learner is synced must not open a second stream on the
    /// same connection id (found by the simulator, seed 1154: the new stream's packets were accepted by the
    /// observer as continuations of the old one).
    /// </summary>
    [Fact]
    public void DuplicateLearnerInfo_AfterSync_IsIgnored()
    {
        var sim = Sim.Scripted(voters: 3, observers: 1);
        sim.DeliveryLog = [];
        sim.StartAll();
        Assert.True(sim.RunUntil(() => sim.AllServing(), 10_000), sim.DescribeServers());
        var leader = sim.Leader!;
        var client = sim.AddClient();
        Assert.Equal(WriteOutcome.Acked, sim.WriteAndWait(client, leader.Id, SimOp.Create, "/kv/k0", "a")!.Outcome);

        var observerId = sim.Servers.Keys.Max();
        var info = sim.DeliveryLog.Last(m => m.Type == ZabMessageType.ObserverInfo && m.From == observerId && m.To == leader.Id);
        var sentBefore = sim.Network.Sent;
        sim.Inject(info);
        Assert.Equal(sentBefore, sim.Network.Sent); // the leader answered nothing: no LEADERINFO on a known connection

        Assert.Equal(WriteOutcome.Acked, sim.WriteAndWait(client, leader.Id, SimOp.SetData, "/kv/k0", "b")!.Outcome);
        Assert.True(sim.RunUntil(() => sim.Server(observerId).Machine!.Read("/kv/k0") == new ReadResult(true, "b", 1), 10_000));
        Assert.True(sim.Server(observerId).Peer!.IsServing);
        Assert.True(sim.RunUntil(() => sim.Servers.Values.All(s => s.Machine!.LastZxid == leader.Peer!.CommittedZxid), 10_000));
        HistoryChecker.Check(sim);
    }
}
