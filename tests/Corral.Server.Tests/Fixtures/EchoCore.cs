using System.Buffers.Binary;
using Corral.Core.Server;
using Corral.Server.Processing;

namespace Corral.Server.Tests.Fixtures;

/// <summary>
/// A test double for the core, for tests of the host's own mechanics (framing, ordering, batching,
/// backpressure, close semantics) independent of ZooKeeper semantics. Each request payload starts
/// with (int xid, int op); the reply is a 16-byte ReplyHeader-shaped payload echoing the xid, plus
/// <see cref="BigReplyBytes"/> of padding when op is <see cref="OpBigReply"/>. Op
/// <see cref="OpClose"/> replies then closes; op <see cref="OpThrow"/> throws inside the core.
/// </summary>
public sealed class EchoCore : IHostedCore
{
    public const int OpBigReply = 1;
    public const int OpClose = -11;
    public const int OpThrow = 666;
    public const int BigReplyBytes = 256 * 1024;

    private long _received;
    private long _ticks;
    private long _opened;
    private long _disconnected;

    public long Received => Interlocked.Read(ref _received);
    public long Ticks => Interlocked.Read(ref _ticks);
    public long Opened => Interlocked.Read(ref _opened);
    public long Disconnected => Interlocked.Read(ref _disconnected);

    public IHostedCoreConnection Open(IConnectionSink sink, string remoteAddress)
    {
        Interlocked.Increment(ref _opened);
        return new Connection(this, sink);
    }

    public void Tick() => Interlocked.Increment(ref _ticks);

    public CoreStatistics GetStatistics() => new(LastProcessedZxid: 0x2a, NodeCount: 7, EphemeralCount: 1,
        WatchCount: 3, SessionCount: Opened - Disconnected);

    private sealed class Connection(EchoCore core, IConnectionSink sink) : IHostedCoreConnection
    {
        public void Receive(ReadOnlySpan<byte> payload)
        {
            Interlocked.Increment(ref core._received);
            int xid = payload.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(payload) : 0;
            int op = payload.Length >= 8 ? BinaryPrimitives.ReadInt32BigEndian(payload[4..]) : 0;
            if (op == OpThrow) throw new InvalidOperationException("EchoCore was asked to throw");
            int padding = op == OpBigReply ? BigReplyBytes : 0;
            var frame = new byte[4 + 16 + padding];
            BinaryPrimitives.WriteInt32BigEndian(frame, 16 + padding);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), xid);
            sink.Send(frame);
            if (op == OpClose) sink.Close();
        }

        public void Disconnected() => Interlocked.Increment(ref core._disconnected);
    }
}
