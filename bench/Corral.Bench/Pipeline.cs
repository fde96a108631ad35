using Corral.Protocol;

namespace Corral.Bench;

/// <summary>Encodes request number <paramref name="index"/> with the given xid into <paramref name="output"/>.</summary>
public delegate void EncodeRequest(int index, int xid, FrameWriter output);

/// <summary>Sees the reply to request number <paramref name="index"/>; <paramref name="body"/> follows the ReplyHeader.</summary>
public delegate void HandleReply(int index, ReplyHeader header, ReadOnlySpan<byte> body);

/// <summary>
/// Runs a fixed list of requests on one connection with up to <c>window</c> outstanding: the
/// workhorse of set-up, clean-up and bulk loading. Replies must come back in request order
/// (ZooKeeper answers each session in FIFO order); anything else breaks the protocol.
/// Notifications and pings that arrive meanwhile are passed to <paramref name="onOther"/> or ignored.
/// </summary>
public static class Pipeline
{
    public static async Task RunAsync(
        WireConnection connection, int count, int window, EncodeRequest encode, HandleReply onReply,
        CancellationToken ct, HandleReply? onOther = null)
    {
        var xids = new Queue<(int Index, int Xid)>(Math.Min(window, count));
        int issued = 0;
        while (issued < count || xids.Count > 0)
        {
            while (issued < count && xids.Count < window)
            {
                int xid = connection.NextXid();
                encode(issued, xid, connection.Output);
                xids.Enqueue((issued, xid));
                issued++;
            }
            await connection.FlushAsync(ct).ConfigureAwait(false);
            if (!await connection.ReceiveAsync(ct).ConfigureAwait(false))
                throw new WireException($"{WireConnection.Describe(connection.Host)} closed the connection with {xids.Count} requests outstanding");
            DrainFrames(connection, xids, onReply, onOther);
        }
    }

    private static void DrainFrames(WireConnection connection, Queue<(int Index, int Xid)> xids, HandleReply onReply, HandleReply? onOther)
    {
        while (connection.TryTakeFrame(out var payload))
        {
            var reader = new JuteReader(payload);
            var header = ReplyHeader.Read(ref reader);
            var body = payload[ReplyHeader.EncodedSize..];
            if (header.Xid is Xids.Notification or Xids.Ping)
            {
                onOther?.Invoke(-1, header, body);
                continue;
            }
            if (xids.Count == 0)
                throw new WireException($"unexpected reply with xid {header.Xid}: nothing was outstanding");
            var (index, xid) = xids.Dequeue();
            if (header.Xid != xid)
                throw new WireException($"reply xid {header.Xid} does not match the oldest outstanding request (xid {xid})");
            onReply(index, header, body);
        }
    }
}
