using Corral.Protocol;

namespace Corral.Core.Server;

public sealed partial class ServerCore
{
    private long _packetsReceived;

    /// <summary>One whole frame payload from the client (length prefix already stripped).</summary>
    internal void Receive(CoreConnection conn, ReadOnlySpan<byte> payload)
    {
        if (conn.IsClosed) return;
        conn.PacketsReceived++;
        _packetsReceived++;
        if (!conn.IsHandshakeStarted)
        {
            HandleConnect(conn, payload);
            return;
        }
        if (payload.Length < RequestHeader.EncodedSize)
        {
            CloseConnection(conn);
            return;
        }

        var r = new JuteReader(payload);
        var header = RequestHeader.Read(ref r);
        conn.LastOp = header.Type;
        if (conn.SessionId != 0) _sessions.Touch(conn.SessionId, NowMs);
        var request = _spareRequests.TryPop(out var spare) ? spare : new PendingRequest();
        request.Kind = PendingKind.Immediate;
        request.Xid = header.Xid;
        request.Op = header.Type;
        request.StartTimestamp = _time.GetTimestamp();

        IJuteRecord? body;
        bool known;
        try
        {
            known = RequestBodies.TryRead(header.Type, ref r, out body);
        }
        catch (JuteException)
        {
            request.PresetError = ErrorCode.MarshallingError;
            Enqueue(conn, request);
            return;
        }
        request.Body = body;
        if (!known || header.Type is OpCode.Sasl)
        {
            request.Op = (OpCode)int.MinValue; // answered as unknown: UNIMPLEMENTED, zxid -1, close
            Enqueue(conn, request);
            return;
        }

        if (!_sessions.IsActive(conn.SessionId))
        {
            // The session is closing or gone: a repeated closeSession is simply acknowledged.
            request.PresetError = header.Type == OpCode.CloseSession ? ErrorCode.Ok : ErrorCode.SessionExpired;
            Enqueue(conn, request);
            return;
        }

        switch (header.Type)
        {
            case OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl
                or OpCode.Delete or OpCode.DeleteContainer or OpCode.SetData or OpCode.SetAcl
                or OpCode.Reconfig or OpCode.CloseSession:
                PrepareWrite(conn, request);
                break;
            case OpCode.Multi when body is MultiRequest { Kind: MultiKind.Read }:
            case OpCode.MultiRead when body is MultiRequest { Kind: MultiKind.Write }:
                request.PresetError = ErrorCode.MarshallingError;
                Enqueue(conn, request);
                break;
            case OpCode.Multi:
                PrepareWrite(conn, request);
                break;
            case OpCode.Sync:
                request.Kind = PendingKind.Sync;
                request.Zxid = _lastPreparedZxid;
                Enqueue(conn, request);
                break;
            default:
                Enqueue(conn, request);
                break;
        }
    }

    /// <summary>Appends to the connection's FIFO and answers whatever is ready at its head.</summary>
    private void Enqueue(CoreConnection conn, PendingRequest request)
    {
        conn.Queue.Enqueue(request);
        Drain(conn);
    }

    private readonly HashSet<CoreConnection> _syncWaiters = [];

    /// <summary>Answers requests from the head of the FIFO until one is not ready (a write not yet applied).</summary>
    private void Drain(CoreConnection conn)
    {
        while (!conn.IsClosed && conn.Queue.TryPeek(out var head))
        {
            if (!head.IsReady(_tree.LastProcessedZxid))
            {
                if (head.Kind == PendingKind.Sync) _syncWaiters.Add(conn);
                return;
            }
            conn.Queue.Dequeue();
            Complete(conn, head);
            Recycle(head);
        }
        _syncWaiters.Remove(conn);
    }

    /// <summary>Answered reads leave no reference behind, so their request objects are reused (reads then allocate only their decoded body).</summary>
    private readonly Stack<PendingRequest> _spareRequests = new();
    private const int MaxSpareRequests = 256;

    private void Recycle(PendingRequest request)
    {
        if (request.Kind != PendingKind.Immediate || _spareRequests.Count >= MaxSpareRequests) return;
        request.Clear();
        _spareRequests.Push(request);
    }

    private void Complete(CoreConnection conn, PendingRequest request)
    {
        switch (request.Kind)
        {
            case PendingKind.Connect:
                SendRecordFrame(conn, request.ConnectResponse!);
                break;
            case PendingKind.Write:
                ReplyToWrite(conn, request);
                break;
            case PendingKind.Sync:
                SendReply(conn, request.Xid, _tree.LastProcessedZxid, ErrorCode.Ok, new SyncResponse(((SyncRequest)request.Body!).Path));
                break;
            default:
                ExecuteImmediate(conn, request);
                break;
        }
        RecordLatency(request.StartTimestamp);
    }

    private long _latencyCount, _latencyTotalMs, _latencyMinMs = long.MaxValue, _latencyMaxMs;

    private void RecordLatency(long startTimestamp)
    {
        long ms = (long)_time.GetElapsedTime(startTimestamp).TotalMilliseconds;
        _latencyCount++;
        _latencyTotalMs += ms;
        if (ms < _latencyMinMs) _latencyMinMs = ms;
        if (ms > _latencyMaxMs) _latencyMaxMs = ms;
    }

    /// <summary>Resets packet counters and latency figures (srst).</summary>
    public void ResetStatistics()
    {
        _latencyCount = _latencyTotalMs = _latencyMaxMs = 0;
        _latencyMinMs = long.MaxValue;
        _packetsReceived = _packetsSent = 0;
    }
}
