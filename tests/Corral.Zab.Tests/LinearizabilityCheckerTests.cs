using Corral.Protocol;
using Corral.Zab.Tests.Checkers;
using Corral.Zab.Tests.Simulation;

namespace Corral.Zab.Tests;

public sealed class LinearizabilityCheckerTests
{
    private static Operation<ZNodeInput, ZNodeOutput?> Op(int client, SimOp op, string data, int version, long call, long? ret, ErrorCode? code, int outVersion = 0) =>
        new(client, new ZNodeInput(op, data, version), call, code is { } c ? new ZNodeOutput(c, outVersion) : null, ret);

    private static LinearizabilityVerdict Check(params Operation<ZNodeInput, ZNodeOutput?>[] ops) =>
        LinearizabilityChecker.Check(new ZNodeModel(), ops);

    [Fact]
    public void SequentialHistory_IsLinearizable() => Assert.Equal(LinearizabilityVerdict.Ok, Check(
        Op(1, SimOp.Create, "a", -1, 0, 10, ErrorCode.Ok),
        Op(1, SimOp.SetData, "b", 0, 20, 30, ErrorCode.Ok, 1),
        Op(2, SimOp.SetData, "c", 0, 40, 50, ErrorCode.BadVersion),
        Op(2, SimOp.Delete, "", 1, 60, 70, ErrorCode.Ok)));

    [Fact]
    public void TwoCompareAndSetsOnTheSameVersion_CannotBothSucceed() => Assert.Equal(LinearizabilityVerdict.Illegal, Check(
        Op(1, SimOp.Create, "a", -1, 0, 10, ErrorCode.Ok),
        Op(1, SimOp.SetData, "b", 0, 20, 40, ErrorCode.Ok, 1),
        Op(2, SimOp.SetData, "c", 0, 25, 45, ErrorCode.Ok, 1)));

    [Fact]
    public void ConcurrentOperations_MayTakeEffectInEitherOrder() => Assert.Equal(LinearizabilityVerdict.Ok, Check(
        Op(1, SimOp.Create, "a", -1, 0, 10, ErrorCode.Ok),
        // client 2's CAS returns before client 1's unconditional set, yet sees version 1: client 1's set took effect first
        Op(1, SimOp.SetData, "b", -1, 20, 60, ErrorCode.Ok, 1),
        Op(2, SimOp.SetData, "c", 1, 30, 50, ErrorCode.Ok, 2)));

    [Fact]
    public void ReadingTheFutureBeforeItWasWritten_IsIllegal() => Assert.Equal(LinearizabilityVerdict.Illegal, Check(
        // client 2's create fails with NodeExists and returns before client 1 even starts creating
        Op(2, SimOp.Create, "x", -1, 0, 5, ErrorCode.NodeExists),
        Op(1, SimOp.Create, "a", -1, 10, 20, ErrorCode.Ok)));

    [Fact]
    public void AnUnknownOutcome_MayOrMayNotHaveHappened()
    {
        // the unknown create explains the later NodeExists ...
        Assert.Equal(LinearizabilityVerdict.Ok, Check(
            Op(1, SimOp.Create, "a", -1, 0, null, null),
            Op(2, SimOp.Create, "b", -1, 50, 60, ErrorCode.NodeExists)));
        // ... or never takes effect
        Assert.Equal(LinearizabilityVerdict.Ok, Check(
            Op(1, SimOp.Create, "a", -1, 0, null, null),
            Op(2, SimOp.SetData, "b", -1, 50, 60, ErrorCode.NoNode)));
        // but it cannot take effect before it was invoked
        Assert.Equal(LinearizabilityVerdict.Illegal, Check(
            Op(2, SimOp.SetData, "b", -1, 0, 10, ErrorCode.Ok, 1),
            Op(1, SimOp.Create, "a", -1, 20, null, null)));
    }

    [Fact]
    public void LostAcknowledgedWrite_IsIllegal() => Assert.Equal(LinearizabilityVerdict.Illegal, Check(
        Op(1, SimOp.Create, "a", -1, 0, 10, ErrorCode.Ok),
        Op(1, SimOp.SetData, "b", 0, 20, 30, ErrorCode.Ok, 1),
        // a later CAS at version 0 succeeding means the acknowledged set was lost
        Op(2, SimOp.SetData, "c", 0, 40, 50, ErrorCode.Ok, 1)));
}
