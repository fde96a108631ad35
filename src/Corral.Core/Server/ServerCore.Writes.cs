using System.Buffers;
using Corral.Core.Processing;
using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Server;

public sealed partial class ServerCore
{
    /// <summary>A prepared transaction waiting to be committed and applied, and who waits for it.</summary>
    private sealed record Prepared(TxnHeader Header, Txn Txn, CoreConnection? Owner, PendingRequest? Request);

    private readonly Queue<Prepared> _uncommitted = new();
    private readonly List<WatchTrigger> _triggers = [];
    private readonly ArrayBufferWriter<byte> _txnBuffer = new(256);
    private long _lastPreparedZxid;
    private long _committedZxid;
    private bool _applying;

    /// <summary>The zxid given to the most recently prepared transaction.</summary>
    public long LastPreparedZxid => _lastPreparedZxid;

    /// <summary>Number of prepared transactions not yet applied.</summary>
    public int PendingTransactionCount => _uncommitted.Count;

    /// <summary>Validates a write and sends its transaction (or an ErrorTxn: failed writes use a zxid too) to commit.</summary>
    private void PrepareWrite(CoreConnection conn, PendingRequest request)
    {
        long zxid = _lastPreparedZxid + 1;
        long now = NowMs;
        var ctx = new PrepContext(conn.SessionId, conn.Ids, zxid, now);
        Txn? txn;
        ErrorCode code;
        switch (request.Body)
        {
            case CreateRequest c:
                code = _preparer.Create(ctx, request.Op, c.Path, c.Data, c.Acl, c.Flags, -1, out txn);
                break;
            case CreateTTLRequest c:
                code = _preparer.Create(ctx, OpCode.CreateTtl, c.Path, c.Data, c.Acl, c.Flags, c.Ttl, out txn);
                break;
            case DeleteRequest d:
                code = _preparer.Delete(ctx, d.Path, d.Version, out txn);
                break;
            case DeleteContainerRequest d:
                code = _preparer.DeleteContainer(ctx, d.Path, out txn);
                break;
            case SetDataRequest s:
                code = _preparer.SetData(ctx, s.Path, s.Data, s.Version, out txn);
                break;
            case SetACLRequest s:
                code = _preparer.SetAcl(ctx, s.Path, s.Acl, s.Version, out txn);
                break;
            case MultiRequest m:
                txn = _preparer.Multi(ctx, m);
                code = ErrorCode.Ok;
                break;
            case ReconfigRequest:
                txn = null;
                code = ErrorCode.ReconfigDisabled;
                break;
            default: // closeSession has no body
                _sessions.SetClosing(conn.SessionId);
                txn = _preparer.CloseSession(ctx);
                code = ErrorCode.Ok;
                break;
        }
        if (code != ErrorCode.Ok) txn = new ErrorTxn(code);
        SubmitWrite(conn, request, conn.SessionId, request.Xid, now, txn!);
    }

    /// <summary>Gives the transaction the next zxid, queues the reply in the connection's FIFO, and commits.</summary>
    private void SubmitWrite(CoreConnection? conn, PendingRequest? request, long sessionId, int cxid, long now, Txn txn)
    {
        long zxid = ++_lastPreparedZxid;
        var header = new TxnHeader(sessionId, cxid, zxid, now, txn.Type);
        if (request is not null)
        {
            if (request.Kind != PendingKind.Connect) request.Kind = PendingKind.Write;
            request.Zxid = zxid;
            conn!.Queue.Enqueue(request);
        }
        _uncommitted.Enqueue(new Prepared(header, txn, conn, request));
        _txnBuffer.ResetWrittenCount();
        TxnCodec.Write(_txnBuffer, header, txn);
        if (_committer.Propose(zxid, _txnBuffer.WrittenSpan)) OnCommitted(zxid);
    }

    /// <summary>
    /// The committer reports that every transaction up to <paramref name="zxid"/> is committed. They
    /// are applied in zxid order; each one's notifications go out before its reply and before any
    /// later reply.
    /// </summary>
    public void OnCommitted(long zxid)
    {
        if (zxid > _committedZxid) _committedZxid = zxid;
        if (_applying) return;
        _applying = true;
        try
        {
            while (_uncommitted.TryPeek(out var next) && next.Header.Zxid <= _committedZxid)
            {
                _uncommitted.Dequeue();
                ApplyAndNotify(next.Header, next.Txn, next.Owner, next.Request);
            }
        }
        finally
        {
            _applying = false;
        }
    }

    private void ApplyAndNotify(in TxnHeader header, Txn txn, CoreConnection? owner, PendingRequest? request, bool replay = false)
    {
        _triggers.Clear();
        var result = replay ? _tree.Replay(header, txn, _triggers) : _tree.Apply(header, txn, _triggers);
        _pending.OnApplied(header.Zxid);
        AfterApply(header, txn, owner);
        foreach (var t in _triggers) _watches.Trigger(t, header.Zxid);
        if (request is not null) request.Result = result;
        if (owner is not null) Drain(owner);
        if (_syncWaiters.Count > 0)
            foreach (var waiting in _syncWaiters.ToList()) Drain(waiting);
    }

    /// <summary>Session bookkeeping that follows from an applied transaction.</summary>
    private void AfterApply(in TxnHeader header, Txn txn, CoreConnection? owner)
    {
        switch (txn)
        {
            case CreateSessionTxn s when !_sessions.Contains(header.SessionId):
                _sessions.Add(header.SessionId, s.TimeoutMs, NowMs); // replayed or created elsewhere
                break;
            case CloseSessionTxn:
                _sessions.Remove(header.SessionId);
                // An expired session's connection is closed without a word; a closeSession requester
                // gets its reply first (see ReplyToWrite).
                if (_bySession.TryGetValue(header.SessionId, out var bound) && bound != owner) CloseConnection(bound);
                break;
        }
    }

    private void ReplyToWrite(CoreConnection conn, PendingRequest request)
    {
        var result = request.Result!;
        long zxid = request.Zxid;
        if (result.Type == TxnType.Error)
        {
            SendReply(conn, request.Xid, zxid, result.Error);
            return;
        }
        switch (request.Op)
        {
            case OpCode.Create:
                SendReply(conn, request.Xid, zxid, result.Error, new CreateResponse(result.Path));
                break;
            case OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl:
                SendReply(conn, request.Xid, zxid, result.Error, result.Stat is { } st ? new Create2Response(result.Path, st) : null);
                break;
            case OpCode.SetData:
                SendReply(conn, request.Xid, zxid, result.Error, result.Stat is { } sd ? new SetDataResponse(sd) : null);
                break;
            case OpCode.SetAcl:
                SendReply(conn, request.Xid, zxid, result.Error, result.Stat is { } sa ? new SetACLResponse(sa) : null);
                break;
            case OpCode.Multi:
                SendReply(conn, request.Xid, zxid, ErrorCode.Ok, BuildMultiResponse((MultiRequest)request.Body!, result));
                break;
            case OpCode.CloseSession:
                SendReply(conn, request.Xid, zxid, ErrorCode.Ok);
                CloseConnection(conn);
                break;
            default: // delete, deleteContainer
                SendReply(conn, request.Xid, zxid, result.Error);
                break;
        }
    }

    private static MultiResponse BuildMultiResponse(MultiRequest request, TxnResult result)
    {
        var results = new List<OpResult>(request.Ops.Count);
        var subs = result.MultiResults ?? [];
        for (int i = 0; i < subs.Count; i++)
        {
            var sub = subs[i];
            var opType = i < request.Ops.Count ? request.Ops[i].Type : OpCode.Error;
            if (sub.Type == TxnType.Error || !sub.Succeeded)
            {
                results.Add(new ErrorResult(sub.Error));
                continue;
            }
            results.Add(opType switch
            {
                OpCode.Create => new CreateResult(sub.Path),
                OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl => new Create2Result(sub.Path, sub.Stat!.Value),
                OpCode.Delete => new DeleteResult(),
                OpCode.SetData => new SetDataResult(sub.Stat!.Value),
                _ => new CheckResult(),
            });
        }
        return new MultiResponse(results);
    }
}
