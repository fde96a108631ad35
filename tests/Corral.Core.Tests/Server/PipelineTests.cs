using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

public class PipelineTests
{
    private static (Harness, DeferredCommitter, TestClient) Setup()
    {
        var committer = new DeferredCommitter();
        var h = new Harness(committer: committer);
        var c = new TestClient(h.Core);
        c.SendRaw(TestClient.EncodeRecord(new ConnectRequest(0, 0, 30000, 0, new byte[16])));
        h.Core.OnCommitted(1);
        c.Sink.Frames.Clear();
        return (h, committer, c);
    }

    [Fact]
    public void A_read_behind_a_pending_write_waits_but_other_connections_read_at_once()
    {
        var (h, committer, c) = Setup();
        var other = new TestClient(h.Core);
        other.SendRaw(TestClient.EncodeRecord(new ConnectRequest(0, 0, 30000, 0, new byte[16])));
        h.Core.OnCommitted(2);
        other.Sink.Frames.Clear();

        int w = c.Send(OpCode.Create, new CreateRequest("/a", [1], Acl.OpenAclUnsafe, CreateMode.Persistent));
        int r = c.Send(OpCode.GetData, new GetDataRequest("/a", false));
        int p = c.Send(OpCode.Ping, null, Xids.Ping);
        c.ExpectNoMoreFrames();
        Assert.Equal(3, h.Core.GetStats().OutstandingRequests);

        // another connection is answered from the tree as applied: /a does not exist yet
        other.CallExpect(ErrorCode.NoNode, OpCode.Exists, new ExistsRequest("/a", false));

        var (zxid, bytes) = committer.Proposed.Last();
        Assert.Equal(3, zxid);
        var (header, txn) = TxnCodec.Deserialize(bytes);
        Assert.Equal(TxnType.Create, header.Type);
        Assert.Equal("/a", ((CreateTxn)txn).Path);

        h.Core.OnCommitted(3);
        Assert.Equal(new ReplyHeader(w, 3, ErrorCode.Ok), c.Next().Header);
        var read = c.Next();
        Assert.Equal(r, read.Header.Xid);
        Assert.Equal([1], read.Decode(GetDataResponse.Read).Data);
        Assert.Equal(new ReplyHeader(p, 3, ErrorCode.Ok), c.Next().Header);
        Assert.Equal(0, h.Core.GetStats().OutstandingRequests);
    }

    [Fact]
    public void Writes_prepared_back_to_back_see_each_other_before_either_applies()
    {
        var (h, committer, c) = Setup();
        c.Send(OpCode.Create, new CreateRequest("/p", null, Acl.OpenAclUnsafe, CreateMode.Persistent));
        c.Send(OpCode.Create, new CreateRequest("/p/c", null, Acl.OpenAclUnsafe, CreateMode.Persistent));
        c.Send(OpCode.Create, new CreateRequest("/p/s-", null, Acl.OpenAclUnsafe, CreateMode.PersistentSequential));
        c.Send(OpCode.Delete, new DeleteRequest("/p", -1)); // NOTEMPTY against the pending view
        c.Send(OpCode.SetData, new SetDataRequest("/p/c", null, 0));
        c.Send(OpCode.SetData, new SetDataRequest("/p/c", null, 1));
        Assert.Equal(6, h.Core.PendingTransactionCount);
        h.Core.OnCommitted(committer.Proposed.Last().Zxid);
        var replies = Enumerable.Range(0, 6).Select(_ => c.Next()).ToList();
        Assert.Equal([ErrorCode.Ok, ErrorCode.Ok, ErrorCode.Ok, ErrorCode.NotEmpty, ErrorCode.Ok, ErrorCode.Ok], replies.Select(x => x.Header.Err));
        Assert.Equal("/p/s-0000000001", replies[2].Decode(CreateResponse.Read).Path);
        Assert.Equal([2, 3, 4, 5, 6, 7], replies.Select(x => x.Header.Zxid));
        Assert.Equal(2, c.Exists("/p/c").Version);
    }

    [Fact]
    public void Partial_commit_applies_only_up_to_the_committed_zxid()
    {
        var (h, _, c) = Setup();
        c.Send(OpCode.Create, new CreateRequest("/1", null, Acl.OpenAclUnsafe, CreateMode.Persistent));
        c.Send(OpCode.Create, new CreateRequest("/2", null, Acl.OpenAclUnsafe, CreateMode.Persistent));
        h.Core.OnCommitted(2);
        Assert.Equal(2, h.Core.LastProcessedZxid);
        Assert.Equal(1, c.Unread);
        h.Core.OnCommitted(2); // repeated reports are harmless
        Assert.Equal(1, c.Unread);
        h.Core.OnCommitted(3);
        Assert.Equal(2, c.Unread);
    }

    [Fact]
    public void Unknown_opcode_gets_unimplemented_with_zxid_minus_one_then_close()
    {
        var h = new Harness();
        var c = h.Connect();
        var f = c.Call((OpCode)55);
        Assert.Equal(new ReplyHeader(f.Header.Xid, -1, ErrorCode.Unimplemented), f.Header);
        Assert.True(c.Closed);
    }

    [Fact]
    public void Top_level_check_is_unimplemented_and_closes()
    {
        var h = new Harness();
        var c = h.Connect();
        c.CallExpect(ErrorCode.Unimplemented, OpCode.Check, new CheckVersionRequest("/", -1));
        Assert.True(c.Closed);
    }

    [Fact]
    public void Undecodable_body_gets_marshalling_error_and_the_connection_stays()
    {
        var h = new Harness();
        var c = h.Connect();
        c.SendRaw([0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 50, 47]); // create with a 50-byte path but 1 byte
        var f = c.Next();
        Assert.Equal(new ReplyHeader(9, 1, ErrorCode.MarshallingError), f.Header);
        Assert.False(c.Closed);
        c.Exists("/");
    }

    [Fact]
    public void A_frame_shorter_than_a_request_header_closes_the_connection()
    {
        var h = new Harness();
        var c = h.Connect();
        c.SendRaw([0, 0, 0, 1]);
        Assert.True(c.Closed);
        c.SendRaw([0, 0, 0, 1, 0, 0, 0, 11]); // ignored after close
        c.ExpectNoMoreFrames();
    }

    [Fact]
    public void Reconfig_is_disabled_and_uses_a_zxid()
    {
        var h = new Harness();
        var c = h.Connect();
        var f = c.CallExpect(ErrorCode.ReconfigDisabled, OpCode.Reconfig, new ReconfigRequest(null, null, "server.1=x", -1));
        Assert.Equal(2, f.Header.Zxid);
    }

    [Fact]
    public void Stats_count_what_monitoring_needs()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/e", null, CreateMode.Ephemeral);
        c.Exists("/e", watch: true);
        var s = h.Core.GetStats();
        Assert.Equal(5, s.NodeCount);
        Assert.Equal("/".Length + "/zookeeper".Length + "/zookeeper/quota".Length + "/zookeeper/config".Length + "/e".Length, s.ApproximateDataSize);
        Assert.Equal(1, s.EphemeralCount);
        Assert.Equal(1, s.WatchCount);
        Assert.Equal(1, s.ConnectionCount);
        Assert.Equal(1, s.SessionCount);
        Assert.Equal(3, s.PacketsReceived);
        Assert.Equal(3, s.PacketsSent);
        Assert.Equal(2, s.LastProcessedZxid);
        Assert.Equal(0, s.OutstandingRequests);
        Assert.Equal(h.Core.Tree.Digest, s.Digest);
        h.Core.ResetStatistics();
        Assert.Equal(0, h.Core.GetStats().PacketsReceived);
    }
}
