using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

public class MultiTests
{
    private static readonly IReadOnlyList<Acl> Open = Acl.OpenAclUnsafe;

    private static MultiResponse Multi(TestClient c, params MultiOp[] ops)
    {
        var f = c.CallExpect(ErrorCode.Ok, OpCode.Multi, new MultiRequest(ops));
        return f.Decode(MultiResponse.Read);
    }

    [Fact]
    public void Successful_multi_applies_every_op_under_one_zxid_and_later_ops_see_earlier_ones()
    {
        var h = new Harness();
        var c = h.Connect();
        long t = h.Time.NowMs;
        var r = Multi(c,
            MultiOp.Create(new CreateRequest("/m", [1], Open, CreateMode.Persistent)),
            MultiOp.Create2(new CreateRequest("/m/s-", null, Open, CreateMode.PersistentSequential)),
            MultiOp.Create2(new CreateRequest("/m/s-", null, Open, CreateMode.PersistentSequential)),
            MultiOp.SetData(new SetDataRequest("/m", [2], 0)),
            MultiOp.Check(new CheckVersionRequest("/m", 1)),
            MultiOp.Delete(new DeleteRequest("/m/s-0000000000", 0)));
        Assert.Equal(
        [
            new CreateResult("/m"),
            new Create2Result("/m/s-0000000000", new Stat(2, 2, t, t, 0, 0, 0, 0, 0, 0, 2)),
            new Create2Result("/m/s-0000000001", new Stat(2, 2, t, t, 0, 0, 0, 0, 0, 0, 2)),
            new SetDataResult(new Stat(2, 2, t, t, 1, 2, 0, 0, 1, 2, 2)),
            new CheckResult(),
            new DeleteResult(),
        ], r.Results);
        Assert.Equal(2, h.Core.LastProcessedZxid);
        Assert.Equal(new Stat(2, 2, t, t, 1, 3, 0, 0, 1, 1, 2), c.Exists("/m"));
    }

    [Fact]
    public void Failed_multi_reports_ok_then_the_code_then_runtime_inconsistency_and_changes_nothing()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/keep", [0]);
        var r = Multi(c,
            MultiOp.Create(new CreateRequest("/new", null, Open, CreateMode.Persistent)),
            MultiOp.Delete(new DeleteRequest("/missing", -1)),
            MultiOp.SetData(new SetDataRequest("/keep", [9], -1)));
        Assert.Equal([new ErrorResult(ErrorCode.Ok), new ErrorResult(ErrorCode.NoNode), new ErrorResult(ErrorCode.RuntimeInconsistency)], r.Results);
        c.CallExpect(ErrorCode.NoNode, OpCode.Exists, new ExistsRequest("/new", false));
        Assert.Equal([0], c.GetData("/keep").Data);
        Assert.Equal(3, h.Core.LastProcessedZxid); // the failed multi used zxid 3
        // Rolled back pending state: the same create now succeeds, and the sequence counter did not move.
        Assert.Equal("/new", c.Create("/new"));
        Assert.Equal(2, h.Core.Tree.Root.ChildCreations);
    }

    [Fact]
    public void Check_failure_in_multi()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/v");
        var r = Multi(c,
            MultiOp.Check(new CheckVersionRequest("/v", 3)),
            MultiOp.SetData(new SetDataRequest("/v", [1], -1)));
        Assert.Equal([new ErrorResult(ErrorCode.BadVersion), new ErrorResult(ErrorCode.RuntimeInconsistency)], r.Results);
        r = Multi(c, MultiOp.Check(new CheckVersionRequest("/nope", -1)));
        Assert.Equal([new ErrorResult(ErrorCode.NoNode)], r.Results);
    }

    [Fact]
    public void Empty_multi_returns_only_the_terminator()
    {
        var h = new Harness();
        var c = h.Connect();
        var f = c.CallExpect(ErrorCode.Ok, OpCode.Multi, new MultiRequest([]));
        Assert.Equal(9, f.Body.Length);
        Assert.Empty(f.Decode(MultiResponse.Read).Results);
    }

    [Fact]
    public void MultiRead_answers_each_op_independently_without_watches()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/r", [5]);
        c.Create("/r/x");
        var f = c.CallExpect(ErrorCode.Ok, OpCode.MultiRead, new MultiRequest(
        [
            MultiOp.GetData(new GetDataRequest("/r", true)),
            MultiOp.GetChildren(new GetChildrenRequest("/missing", true)),
            MultiOp.GetChildren(new GetChildrenRequest("/r", true)),
        ]));
        var r = f.Decode(MultiResponse.Read).Results;
        Assert.Equal([5], ((GetDataResult)r[0]).Data);
        Assert.Equal(new ErrorResult(ErrorCode.NoNode), r[1]);
        Assert.Equal(new GetChildrenResult(["x"]), r[2]);
        Assert.Equal(0, h.Core.Watches.WatchCount);
    }

    [Fact]
    public void Mixed_or_mismatched_multis_get_marshalling_error()
    {
        var h = new Harness();
        var c = h.Connect();
        c.CallExpect(ErrorCode.MarshallingError, OpCode.MultiRead, new MultiRequest([MultiOp.Delete(new DeleteRequest("/x", -1))]));
        c.CallExpect(ErrorCode.MarshallingError, OpCode.Multi, new MultiRequest([MultiOp.GetData(new GetDataRequest("/", false))]));
        // a hand-built mixed body does not decode at all
        var mixed = TestClient.EncodeRequest(77, OpCode.Multi, new MultiRequest([MultiOp.Delete(new DeleteRequest("/x", -1))]));
        var read = TestClient.EncodeRecord(new MultiRequest([MultiOp.GetData(new GetDataRequest("/", false))]));
        var body = mixed[..^9].Concat(read).ToArray(); // drop the first terminator, append a read op + terminator
        c.SendRaw(body);
        var frame = c.Next();
        Assert.Equal(new ReplyHeader(77, h.Core.LastProcessedZxid, ErrorCode.MarshallingError), frame.Header);
        Assert.False(c.Closed);
    }
}
