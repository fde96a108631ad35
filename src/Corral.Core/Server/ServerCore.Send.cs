using Corral.Core.Tree;
using Corral.Protocol;

namespace Corral.Core.Server;

public sealed partial class ServerCore
{
    private long _packetsSent;

    /// <summary>A reply frame: the header, and the body only when err is 0.</summary>
    private void SendReply(CoreConnection conn, int xid, long zxid, ErrorCode err, IJuteRecord? body = null)
    {
        if (conn.IsClosed) return;
        _frame.Reset();
        _frame.BeginFrame();
        var w = new JuteWriter(_frame);
        new ReplyHeader(xid, zxid, err).Write(ref w);
        if (err == ErrorCode.Ok) body?.Write(ref w);
        FinishReply(conn, xid, zxid);
    }

    private void FinishReply(CoreConnection conn, int xid, long zxid)
    {
        if (!_frame.TryFinishFrame(out _))
        {
            // A response over jute.maxbuffer (e.g. a huge child list) would make every client drop the
            // connection; answer with an error the client can surface instead.
            _frame.Reset();
            _frame.WriteFrame(new ReplyHeader(xid, zxid, ErrorCode.MarshallingError));
        }
        Emit(conn);
        if (zxid > 0) conn.LastZxid = zxid;
    }

    /// <summary>
    /// A getData reply written straight from the node: the value goes from the znode's payload into
    /// the frame with no intermediate copy and no response object (the same bytes as GetDataResponse).
    /// </summary>
    private void SendDataReply(CoreConnection conn, int xid, long zxid, ZNode node)
    {
        if (conn.IsClosed) return;
        _frame.Reset();
        _frame.BeginFrame();
        var w = new JuteWriter(_frame);
        new ReplyHeader(xid, zxid, ErrorCode.Ok).Write(ref w);
        if (node.DataIsNull) w.WriteInt(-1);
        else w.WriteBuffer(node.Data);
        _tree.GetStat(node).Write(ref w);
        FinishReply(conn, xid, zxid);
    }

    /// <summary>An exists (or any stat-only) reply without allocating a response object.</summary>
    private void SendStatReply(CoreConnection conn, int xid, long zxid, Stat stat)
    {
        if (conn.IsClosed) return;
        _frame.Reset();
        _frame.BeginFrame();
        var w = new JuteWriter(_frame);
        new ReplyHeader(xid, zxid, ErrorCode.Ok).Write(ref w);
        stat.Write(ref w);
        FinishReply(conn, xid, zxid);
    }

    /// <summary>A frame holding one record and no header (the ConnectResponse).</summary>
    private void SendRecordFrame<T>(CoreConnection conn, T record) where T : IJuteRecord
    {
        if (conn.IsClosed) return;
        _frame.Reset();
        _frame.WriteFrame(record);
        Emit(conn);
    }

    /// <summary>A watch notification: header {-1, zxid, 0} then WatcherEvent{type, SyncConnected, path}.</summary>
    internal void SendNotification(CoreConnection conn, EventType type, string path, long zxid)
    {
        if (conn.IsClosed) return;
        _frame.Reset();
        _frame.WriteFrame(new ReplyHeader(Xids.Notification, zxid, ErrorCode.Ok), new WatcherEvent(type, KeeperState.SyncConnected, path));
        Emit(conn);
    }

    private void Emit(CoreConnection conn)
    {
        conn.PacketsSent++;
        _packetsSent++;
        conn.Sink.Send(_frame.WrittenSpan);
        _frame.Reset();
    }
}
