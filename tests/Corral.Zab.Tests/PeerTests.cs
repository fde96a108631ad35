namespace Corral.Zab.Tests;

/// <summary>
/// The peer driven directly through its public API (Tick, Step, Propose, GetReady, Advance) by a tiny
/// in-memory pump, without the simulator: how a host is meant to use it.
/// </summary>
public sealed class PeerTests
{
    /// <summary>Instant, ordered delivery; a host that carries out each Ready fully before the next input.</summary>
    private sealed class MiniCluster
    {
        public readonly Dictionary<int, ZabPeer> Peers = new();
        public readonly Dictionary<int, List<LogEntry>> Applied = new();
        public readonly Queue<ZabMessage> InFlight = new();
        public readonly List<Ready> Readies = [];
        public bool AutoAdvance = true;
        public Func<ZabMessage, bool>? Drop;

        public MiniCluster(int voters, Func<int, PersistentState>? state = null, Func<int, Func<long, byte[], byte[]>>? prepare = null)
        {
            var ids = Enumerable.Range(1, voters).ToArray();
            foreach (var id in ids)
            {
                Applied[id] = [];
                var myId = id;
                Peers[id] = new ZabPeer(new ZabOptions { MyId = id, Voters = ids }, state?.Invoke(id) ?? PersistentState.Empty,
                    () => new SnapshotData(Applied[myId].LastOrDefault().Zxid, []), bootNonce: id, prepareTxn: prepare?.Invoke(id));
            }
            foreach (var id in ids) Drain(id);
        }

        public void Drain(int id)
        {
            var p = Peers[id];
            while (AutoAdvance && p.HasReady)
            {
                var r = p.GetReady();
                Readies.Add(r);
                Applied[id].AddRange(r.Committed);
                foreach (var m in r.Messages) InFlight.Enqueue(m);
                p.Advance(r);
            }
        }

        public void Pump()
        {
            while (InFlight.TryDequeue(out var m))
            {
                if (Drop?.Invoke(m) == true) continue;
                Peers[m.To].Step(m);
                Drain(m.To);
            }
        }

        public bool RunUntil(Func<bool> condition, int maxTicks = 400)
        {
            for (var t = 0; t < maxTicks; t++)
            {
                Pump();
                if (condition()) return true;
                foreach (var (id, p) in Peers)
                {
                    p.Tick();
                    Drain(id);
                }
            }
            return condition();
        }

        public bool Settled => Peers.Values.All(p => p.IsServing) && Peers.Values.Count(p => p.State == PeerState.Leading) == 1;
    }

    private static PersistentState WithLog(long epoch, params long[] counters) =>
        new(epoch, epoch, 0, counters.Select(c => new LogEntry(Zxid.Make(epoch, c), [(byte)c])).ToArray());

    [Fact]
    public void FreshEnsemble_ElectsTheHighestServerId_InEpochOne()
    {
        var c = new MiniCluster(3);
        Assert.True(c.RunUntil(() => c.Settled));
        Assert.Equal(PeerState.Leading, c.Peers[3].State);
        Assert.All(c.Peers.Values, p => Assert.Equal(1, p.CurrentEpoch));
        Assert.All(c.Peers.Values, p => Assert.Equal(3, p.LeaderId));
    }

    [Fact]
    public void Election_PrefersTheLongestLogOverTheServerId_AndCommitsItsHistory()
    {
        // Server 1 holds 1.1..1.3, the others only 1.1: 1 must lead, and its history becomes everyone's.
        var c = new MiniCluster(3, id => id == 1 ? WithLog(1, 1, 2, 3) : WithLog(1, 1));
        Assert.True(c.RunUntil(() => c.Settled));
        Assert.Equal(PeerState.Leading, c.Peers[1].State);
        Assert.All(c.Peers.Values, p => Assert.Equal(2, p.CurrentEpoch));
        Assert.All(c.Applied.Values, a => Assert.Equal([Zxid.Make(1, 1), Zxid.Make(1, 2), Zxid.Make(1, 3)], a.Select(e => e.Zxid)));
    }

    [Fact]
    public void Election_PrefersTheHigherCurrentEpochOverALongerLog()
    {
        // Server 1 has a long epoch-1 log but currentEpoch 1; server 2 accepted epoch 2's NEWLEADER.
        var c = new MiniCluster(3, id => id switch
        {
            1 => WithLog(1, 1, 2, 3, 4),
            2 => new PersistentState(2, 2, 0, [new LogEntry(Zxid.Make(1, 1), [1])]),
            _ => WithLog(1, 1),
        });
        Assert.True(c.RunUntil(() => c.Settled));
        Assert.Equal(PeerState.Leading, c.Peers[2].State);
        Assert.All(c.Peers.Values, p => Assert.Equal([Zxid.Make(1, 1)], p.Log.Select(e => e.Zxid)));
    }

    [Fact]
    public void Leader_PreparesEachRequestAtItsZxid_IncludingForwardedOnes_AndEveryoneCommitsThePreparedTxn()
    {
        var calls = new List<(int Server, long Zxid, byte Request)>();
        var c = new MiniCluster(3, prepare: id => (zxid, request) =>
        {
            calls.Add((id, zxid, request[0]));
            return [request[0], (byte)Zxid.CounterOf(zxid)]; // the "txn": the request stamped with its counter
        });
        Assert.True(c.RunUntil(() => c.Settled));
        Assert.Equal(ProposeResult.Proposed, c.Peers[3].Propose([7]));
        c.Drain(3);
        Assert.Equal(ProposeResult.Forwarded, c.Peers[1].Propose([8]));
        c.Drain(1);
        Assert.True(c.RunUntil(() => c.Applied.Values.All(a => a.Count == 2)));

        Assert.Equal([(3, Zxid.Make(1, 1), (byte)7), (3, Zxid.Make(1, 2), (byte)8)], calls);
        Assert.All(c.Applied.Values, a => Assert.Equal([[7, 1], [8, 2]], a.Select(e => e.Payload)));
    }

    [Fact]
    public void Leader_CountsItsOwnAckOnlyAfterAdvance_AndCommitsInOrder()
    {
        var c = new MiniCluster(3);
        Assert.True(c.RunUntil(() => c.Settled));
        var leader = c.Peers[3];
        Assert.Equal(ProposeResult.Proposed, leader.Propose([42]));

        var ready = leader.GetReady();
        var zxid = Zxid.Make(1, 1);
        Assert.Equal([zxid], ready.Append.Select(e => e.Zxid));
        Assert.True(ready.MustSync);
        Assert.Equal(2, ready.Messages.Count(m => m.Type == ZabMessageType.Proposal && m.Zxid == zxid));
        Assert.Empty(ready.Committed);

        // One follower ACKs before the leader's own write is durable: 1 of 3 is no quorum.
        var toFollower1 = ready.Messages.Single(m => m.To == 1);
        c.Peers[1].Step(toFollower1);
        var followerReady = c.Peers[1].GetReady();
        Assert.Equal([zxid], followerReady.Append.Select(e => e.Zxid));
        Assert.True(followerReady.MustSync);
        var ack = Assert.Single(followerReady.Messages);
        Assert.Equal((ZabMessageType.Ack, zxid), (ack.Type, ack.Zxid));
        c.Peers[1].Advance(followerReady);
        leader.Step(ack);
        Assert.Equal(0, leader.CommittedZxid);

        leader.Advance(ready); // now the leader's own log write is durable
        Assert.Equal(zxid, leader.CommittedZxid);
        var commitReady = leader.GetReady();
        Assert.Equal([zxid], commitReady.Committed.Select(e => e.Zxid));
        Assert.Contains(commitReady.Messages, m => m.Type == ZabMessageType.Commit && m.To == 1 && m.Zxid == zxid);
    }

    [Fact]
    public void Followers_ForwardProposals_AndObserveTheCounterLimitOnlyAtTheLeader()
    {
        var c = new MiniCluster(3);
        Assert.True(c.RunUntil(() => c.Settled));
        Assert.Equal(ProposeResult.Forwarded, c.Peers[1].Propose([7]));
        c.Drain(1);
        Assert.True(c.RunUntil(() => c.Applied.Values.All(a => a.Count == 1)));
        Assert.All(c.Applied.Values, a => Assert.Equal(Zxid.Make(1, 1), a[0].Zxid));
    }

    [Fact]
    public void IsolatedLeader_StepsDownAfterSyncLimit()
    {
        var c = new MiniCluster(3);
        Assert.True(c.RunUntil(() => c.Settled));
        var leader = c.Peers[3];
        c.Drop = m => m.To == 3; // the leader hears nothing from now on
        var ticks = 0;
        while (leader.State == PeerState.Leading && ticks++ < 100)
        {
            foreach (var (id, p) in c.Peers) { p.Tick(); c.Drain(id); }
            c.Pump();
        }
        Assert.Equal(PeerState.Looking, leader.State);
        Assert.InRange(ticks, 20, 30); // syncLimit is 20 ticks
    }

    [Fact]
    public void ConstructorRejectsAcceptedEpochBelowCurrentEpoch() =>
        Assert.Throws<InvalidOperationException>(() =>
            new ZabPeer(new ZabOptions { MyId = 1, Voters = [1, 2, 3] }, new PersistentState(1, 2, 0, []), () => new SnapshotData(0, []), 1));
}

public sealed class LeaderEpochTests
{
    [Fact]
    public void LearnerThatPromisedANewerEpoch_MakesTheLeaderStepDown()
    {
        var ids = new[] { 1, 2, 3 };
        var leader = new ZabPeer(new ZabOptions { MyId = 3, Voters = ids }, new PersistentState(1, 1, 0, []), () => new SnapshotData(0, []), 1);
        // Bring 3 to LEADING: votes for 3 from 1 and 2 in its round, then the finalize wait.
        foreach (var from in new[] { 1, 2 })
            leader.Step(new ZabMessage { Type = ZabMessageType.Notification, From = from, To = 3, State = PeerState.Looking, Vote = new Vote(3, 0, 1), ElectionEpoch = 1 });
        for (var i = 0; i < 5; i++) leader.Tick();
        Assert.Equal(PeerState.Leading, leader.State);
        leader.Step(new ZabMessage { Type = ZabMessageType.FollowerInfo, From = 1, To = 3, ConnId = 11, Epoch = 1 });
        leader.GetReady(); // epoch 2 is decided and promised
        Assert.Equal(2, leader.AcceptedEpoch);

        // Server 2 once promised epoch 5 to another would-be leader: it can never follow epoch 2.
        leader.Step(new ZabMessage { Type = ZabMessageType.FollowerInfo, From = 2, To = 3, ConnId = 21, Epoch = 5 });
        Assert.Equal(PeerState.Looking, leader.State);
        Assert.Contains("promised epoch 5", leader.LastTransition);
    }
}

public sealed class MalformedInputTests
{
    /// <summary>
    /// Garbage from the network (wrong types for the role, random zxids, epochs, connection ids and sequence
    /// numbers, missing payloads) never throws out of Step; at worst a connection closes or the peer re-elects.
    /// </summary>
    [Fact]
    public void RandomMessages_NeverThrow_AndTheEnsembleStillConverges()
    {
        var ids = new[] { 1, 2, 3 };
        var peers = ids.ToDictionary(id => id, id =>
            new ZabPeer(new ZabOptions { MyId = id, Voters = ids }, PersistentState.Empty, () => new SnapshotData(0, []), id));
        var applied = ids.ToDictionary(id => id, _ => new List<long>());
        var queue = new Queue<ZabMessage>();
        void Drain(int id)
        {
            while (peers[id].HasReady)
            {
                var r = peers[id].GetReady();
                applied[id].AddRange(r.Committed.Select(e => e.Zxid));
                foreach (var m in r.Messages) queue.Enqueue(m);
                peers[id].Advance(r);
            }
        }
        var rng = new Simulation.SimRandom(99);
        var types = Enum.GetValues<ZabMessageType>();
        var seenConns = new List<long> { 0 };
        for (var round = 0; round < 600; round++)
        {
            foreach (var id in ids) { peers[id].Tick(); Drain(id); }
            while (queue.TryDequeue(out var m))
            {
                if (m.ConnId != 0) seenConns.Add(m.ConnId);
                peers[m.To].Step(m);
                Drain(m.To);
            }
            if (round >= 400) continue; // the last rounds are quiet, so the ensemble must settle
            for (var i = 0; i < 5; i++)
            {
                var to = rng.Pick(ids);
                var garbage = new ZabMessage
                {
                    Type = rng.Pick(types), From = rng.Pick([1, 2, 3, 9]), To = to,
                    ConnId = rng.Pick(seenConns), Seq = rng.Next(8), Zxid = (long)rng.NextULong() >> rng.Next(64),
                    Epoch = rng.Next(-1, 4), Payload = rng.Chance(0.5) ? [1, 2] : null,
                    Snapshot = rng.Chance(0.3) ? new SnapshotData(rng.Next(3), []) : null,
                    State = (PeerState)rng.Next(4), Vote = new Vote(rng.Next(1, 4), rng.Next(5), rng.Next(4)), ElectionEpoch = rng.Next(6),
                };
                peers[to].Step(garbage);
                Drain(to);
            }
        }
        Assert.All(peers.Values, p => Assert.True(p.IsServing, $"{p.Id}: {p.State} {p.LastTransition}"));
        Assert.Single(peers.Values, p => p.State == PeerState.Leading);
    }
}
