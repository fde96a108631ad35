using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

/// <summary>What durable storage relies on: the committed stream and snapshots rebuild the same state.</summary>
public class RecoveryTests
{
    private sealed class LoggingCommitter : ITxnCommitter
    {
        public List<byte[]> Log { get; } = [];
        public bool Propose(long zxid, ReadOnlySpan<byte> txn)
        {
            Log.Add(txn.ToArray());
            return true;
        }
    }

    private static (Harness, LoggingCommitter, TestClient) Workload()
    {
        var log = new LoggingCommitter();
        var h = new Harness(committer: log);
        var c = h.Connect();
        c.Create("/a", [1]);
        c.Create("/a/s-", [2], CreateMode.PersistentSequential);
        c.Create("/e", null, CreateMode.Ephemeral);
        c.SetData("/a", [3]);
        c.CallExpect(ErrorCode.BadVersion, OpCode.Delete, new DeleteRequest("/a", 7));
        c.Call(OpCode.Multi, new MultiRequest([MultiOp.Create(new CreateRequest("/m", null, Acl.OpenAclUnsafe, CreateMode.Persistent)), MultiOp.Delete(new DeleteRequest("/a/s-0000000000", -1))]));
        return (h, log, c);
    }

    [Fact]
    public void Replaying_the_committed_log_rebuilds_the_same_tree()
    {
        var (h, log, _) = Workload();
        var replica = new Harness();
        foreach (var txn in log.Log) replica.Core.ApplyCommitted(txn);
        Assert.Equal(h.Core.Tree.Digest, replica.Core.Tree.Digest);
        Assert.Equal(h.Core.LastProcessedZxid, replica.Core.LastProcessedZxid);
        Assert.Equal(1, replica.Core.Sessions.Count);
        // after replay, new writes continue the zxid sequence
        var c = replica.Connect();
        Assert.Equal(h.Core.LastProcessedZxid + 2, c.Create2("/next").Stat.Czxid); // +1 was the new session
    }

    [Fact]
    public void Snapshot_plus_log_tail_and_fuzzy_overlap_reach_the_same_digest()
    {
        var (h, log, _) = Workload();
        var mid = new Harness();
        for (int i = 0; i < 4; i++) mid.Core.ApplyCommitted(log.Log[i]);
        var snap = new MemoryStream();
        mid.Core.WriteSnapshot(snap);
        snap.Position = 0;

        var restored = new Harness();
        restored.Core.LoadSnapshot(snap);
        Assert.Equal(4, restored.Core.LastProcessedZxid);
        // replay from before the snapshot point (a fuzzy snapshot's overlap) through the end
        for (int i = 2; i < log.Log.Count; i++) restored.Core.ApplyCommitted(log.Log[i]);
        Assert.Equal(h.Core.Tree.Digest, restored.Core.Tree.Digest);
        Assert.Equal(h.Core.Tree.NodeCount, restored.Core.Tree.NodeCount);
    }

    [Fact]
    public void Sessions_restored_from_a_snapshot_can_be_resumed_and_expire()
    {
        var (h, _, c) = Workload();
        var snap = new MemoryStream();
        h.Core.WriteSnapshot(snap);
        snap.Position = 0;
        var restored = new Harness(new CoreOptions { TickTimeMs = 2000 });
        restored.Core.LoadSnapshot(snap);
        var back = new TestClient(restored.Core);
        Assert.Equal(c.SessionId, back.Handshake(sessionId: c.SessionId, password: c.Password, lastZxid: h.Core.LastProcessedZxid)!.SessionId);
        back.Connection.Disconnected();
        restored.Time.AdvanceMs(60_000);
        restored.Core.Tick();
        Assert.Null(restored.Core.Tree.Find("/e"));
        Assert.Empty(restored.Core.Tree.Sessions);
    }
}
