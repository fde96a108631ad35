using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Processing;

public sealed partial class RequestPreparer
{
    /// <summary>
    /// multi (14): every operation sees the effects of the ones before it; all share one zxid. On the
    /// first failure the pending effects are rolled back and the transaction becomes a multi of
    /// ErrorTxns: Ok for the operations before, the code for the failing one, RuntimeInconsistency after.
    /// </summary>
    public MultiTxn Multi(in PrepContext ctx, MultiRequest request)
    {
        _pending.BeginScope();
        var txns = new List<Txn>(request.Ops.Count);
        int failedAt = -1;
        var failure = ErrorCode.Ok;
        for (int i = 0; i < request.Ops.Count; i++)
        {
            var code = PrepareOp(ctx, request.Ops[i], out var txn);
            if (code != ErrorCode.Ok)
            {
                failedAt = i;
                failure = code;
                break;
            }
            txns.Add(txn!);
        }
        if (failedAt < 0)
        {
            _pending.CommitScope();
            return new MultiTxn(txns);
        }
        _pending.DiscardScope();
        var errors = new List<Txn>(request.Ops.Count);
        for (int i = 0; i < request.Ops.Count; i++)
            errors.Add(new ErrorTxn(i < failedAt ? ErrorCode.Ok : i == failedAt ? failure : ErrorCode.RuntimeInconsistency));
        return new MultiTxn(errors);
    }

    private ErrorCode PrepareOp(in PrepContext ctx, MultiOp op, out Txn? txn)
    {
        switch (op.Request)
        {
            case CreateRequest c when op.Type is OpCode.Create or OpCode.Create2 or OpCode.CreateContainer:
                return Create(ctx, op.Type, c.Path, c.Data, c.Acl, c.Flags, -1, out txn);
            case CreateTTLRequest c:
                return Create(ctx, OpCode.CreateTtl, c.Path, c.Data, c.Acl, c.Flags, c.Ttl, out txn);
            case DeleteRequest d:
                return Delete(ctx, d.Path, d.Version, out txn);
            case SetDataRequest s:
                return SetData(ctx, s.Path, s.Data, s.Version, out txn);
            case CheckVersionRequest c:
                return Check(ctx, c.Path, c.Version, out txn);
            default:
                txn = null;
                return ErrorCode.MarshallingError;
        }
    }
}
