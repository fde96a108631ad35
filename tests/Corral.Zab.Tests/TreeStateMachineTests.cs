using Corral.Protocol;
using Corral.Zab.Tests.Checkers;
using Corral.Zab.Tests.Simulation;

namespace Corral.Zab.Tests;

/// <summary>
/// The simulator's replica (Corral.Core's preparer and DataTree behind the prepareTxn hook) and the
/// independent reference model give ZooKeeper's exact answers to one scripted request sequence, and the
/// model notices when the tree holds something else.
/// </summary>
public sealed class TreeStateMachineTests
{
    private const long S1 = 0x1001, S2 = 0x1002;
    private int _cxid;
    private long _counter;

    private SimRequest Req(long session, SimOp op, string path = "", string data = "", int version = -1, bool eph = false, bool seq = false,
        IReadOnlyList<SimRequest>? ops = null) => new(1, session, ++_cxid, op, path, data, version, eph, seq, ops);

    private static SimRequest Op(SimOp op, string path, string data = "", int version = -1) => new(1, 0, 0, op, path, data, version);

    /// <summary>Prepares on the leader's machine, applies the txn bytes on it and on a follower's, and asks the model.</summary>
    private SimResult Run(TreeStateMachine leader, TreeStateMachine follower, ReferenceModel model, SimRequest r)
    {
        var zxid = Zxid.Make(1, ++_counter);
        var txn = leader.Prepare(zxid, r.Encode());
        Assert.Equal((r.SessionId, r.Cxid), TreeStateMachine.RequestOf(txn));
        var result = leader.Apply(zxid, txn);
        Assert.Equal(result, follower.Apply(zxid, txn));
        Assert.Equal(leader.Digest(), follower.Digest());
        Assert.Equal(model.Apply(r), result);
        return result;
    }

    [Fact]
    public void PreparedTxns_GiveZooKeepersAnswers_AndMatchTheModel()
    {
        var (leader, follower, model) = (new TreeStateMachine(() => 1000), new TreeStateMachine(), new ReferenceModel());
        SimResult R(SimRequest r) => Run(leader, follower, model, r);

        Assert.Equal(new SimResult(ErrorCode.SessionExpired), R(Req(S1, SimOp.Create, "/kv/k0", "a")));
        Assert.Equal(new SimResult(ErrorCode.Ok), R(Req(S1, SimOp.CreateSession)));
        Assert.Equal(new SimResult(ErrorCode.Ok, "/kv/k0"), R(Req(S1, SimOp.Create, "/kv/k0", "a")));
        Assert.Equal(new SimResult(ErrorCode.NodeExists), R(Req(S1, SimOp.Create, "/kv/k0", "b")));
        Assert.Equal(new SimResult(ErrorCode.NoNode), R(Req(S1, SimOp.Create, "/nope/x")));
        Assert.Equal(new SimResult(ErrorCode.Ok, Version: 1), R(Req(S1, SimOp.SetData, "/kv/k0", "b", 0)));
        Assert.Equal(new SimResult(ErrorCode.BadVersion), R(Req(S1, SimOp.SetData, "/kv/k0", "c", 0)));
        Assert.Equal(new SimResult(ErrorCode.BadVersion), R(Req(S1, SimOp.Delete, "/kv/k0", version: 0)));
        Assert.Equal(new SimResult(ErrorCode.Ok, "/seq/n-0000000000"), R(Req(S1, SimOp.Create, "/seq/n-", seq: true)));
        Assert.Equal(new SimResult(ErrorCode.Ok, "/seq/n-0000000001"), R(Req(S1, SimOp.Create, "/seq/n-", seq: true)));
        Assert.Equal(new SimResult(ErrorCode.Ok, "/eph/e"), R(Req(S1, SimOp.Create, "/eph/e", eph: true)));
        Assert.Equal(new SimResult(ErrorCode.NoChildrenForEphemerals), R(Req(S1, SimOp.Create, "/eph/e/child")));

        // A multi is all or nothing and reports its first failure.
        Assert.Equal(new SimResult(ErrorCode.BadVersion),
            R(Req(S1, SimOp.Multi, ops: [Op(SimOp.Create, "/mk/a", "x"), Op(SimOp.Check, "/kv/k0", version: 0)])));
        Assert.Equal(new ReadResult(false, null, -1), leader.Read("/mk/a"));
        Assert.Equal(new SimResult(ErrorCode.Ok),
            R(Req(S1, SimOp.Multi, ops: [Op(SimOp.Create, "/mk/a", "x"), Op(SimOp.Check, "/kv/k0", version: 1), Op(SimOp.SetData, "/kv/k0", "m", 1)])));
        Assert.Equal(new ReadResult(true, "m", 2), follower.Read("/kv/k0"));

        // Closing a session removes its ephemerals; the closed session can do nothing more.
        Assert.Equal(new SimResult(ErrorCode.Ok), R(Req(S2, SimOp.CreateSession)));
        Assert.Equal(new SimResult(ErrorCode.Ok), R(Req(S1, SimOp.CloseSession)));
        Assert.Empty(follower.EphemeralsOf(S1));
        Assert.Equal(new SimResult(ErrorCode.SessionExpired), R(Req(S1, SimOp.Create, "/eph/f", eph: true)));
        Assert.Equal(new SimResult(ErrorCode.Ok, Version: 3), R(Req(S2, SimOp.SetData, "/kv/k0", "z")));

        Assert.Null(model.DifferenceFrom(leader.Tree));
        Assert.Null(model.DifferenceFrom(follower.Tree));
        model.Apply(Req(S2, SimOp.SetData, "/kv/k0", "only in the model"));
        Assert.Equal("/kv/k0 is Node { Value = z, Version = 3, EphemeralOwner = 0, ChildCreations = 0 } in the tree, " +
                     "Node { Value = only in the model, Version = 4, EphemeralOwner = 0, ChildCreations = 0 } in the model",
            model.DifferenceFrom(follower.Tree));
    }

    [Fact]
    public void TheLeaderPreparesAgainstPendingProposals_AndASnapshotRestoresTheSameState()
    {
        var leader = new TreeStateMachine();
        // Both prepared before either applies: the second must see the first's effect (outstandingChanges).
        var create = leader.Prepare(Zxid.Make(1, 1), Req(S1, SimOp.CreateSession).Encode());
        var first = leader.Prepare(Zxid.Make(1, 2), Req(S1, SimOp.Create, "/kv/k0", "a").Encode());
        var second = leader.Prepare(Zxid.Make(1, 3), Req(S1, SimOp.Create, "/kv/k0", "b").Encode());
        Assert.Equal(new SimResult(ErrorCode.Ok), leader.Apply(Zxid.Make(1, 1), create));
        Assert.Equal(new SimResult(ErrorCode.Ok, "/kv/k0"), leader.Apply(Zxid.Make(1, 2), first));
        Assert.Equal(new SimResult(ErrorCode.NodeExists), leader.Apply(Zxid.Make(1, 3), second));

        var copy = new TreeStateMachine();
        copy.Restore(Zxid.Make(1, 3), leader.Snapshot());
        Assert.Equal(leader.Digest(), copy.Digest());
        Assert.Equal(new ReadResult(true, "a", 0), copy.Read("/kv/k0"));
        Assert.Throws<InvalidOperationException>(() => new TreeStateMachine().Restore(Zxid.Make(1, 2), leader.Snapshot()));
    }
}
