using Corral.Protocol;
using Corral.Zab.Tests.Simulation;

namespace Corral.Zab.Tests.Checkers;

/// <summary>One znode as a register with a version: the sequential spec for create, versioned set (compare-and-set) and delete.</summary>
public readonly record struct ZNodeState(bool Exists, string Value, int Version);

public readonly record struct ZNodeInput(SimOp Op, string Data, int Version);

public readonly record struct ZNodeOutput(ErrorCode Code, int Version);

public sealed class ZNodeModel : ILinearizabilityModel<ZNodeState, ZNodeInput, ZNodeOutput?>
{
    public ZNodeState Init => new(false, "", 0);

    public bool Step(ZNodeState s, ZNodeInput input, ZNodeOutput? observed, out ZNodeState next)
    {
        ZNodeOutput produced;
        switch (input.Op)
        {
            case SimOp.Create:
                (next, produced) = s.Exists ? (s, new ZNodeOutput(ErrorCode.NodeExists, 0)) : (new ZNodeState(true, input.Data, 0), new ZNodeOutput(ErrorCode.Ok, 0));
                break;
            case SimOp.SetData:
                if (!s.Exists) (next, produced) = (s, new ZNodeOutput(ErrorCode.NoNode, 0));
                else if (input.Version != -1 && input.Version != s.Version) (next, produced) = (s, new ZNodeOutput(ErrorCode.BadVersion, 0));
                else (next, produced) = (new ZNodeState(true, input.Data, s.Version + 1), new ZNodeOutput(ErrorCode.Ok, s.Version + 1));
                break;
            case SimOp.Delete:
                if (!s.Exists) (next, produced) = (s, new ZNodeOutput(ErrorCode.NoNode, 0));
                else if (input.Version != -1 && input.Version != s.Version) (next, produced) = (s, new ZNodeOutput(ErrorCode.BadVersion, 0));
                else (next, produced) = (new ZNodeState(false, "", 0), new ZNodeOutput(ErrorCode.Ok, 0));
                break;
            default:
                throw new ArgumentException($"{input.Op} is not a single-node operation");
        }
        return observed is null || observed.Value == produced;
    }
}
