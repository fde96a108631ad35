using System.Buffers.Binary;
using System.Net;
using Corral.Core.Server;
using Corral.Protocol;
using Corral.Server.Metrics;
using Corral.Server.Processing;
using Microsoft.Extensions.Logging;

namespace Corral.Server.Network;

/// <summary>
/// One accepted TCP connection: the sink the core writes to, its send buffer and backpressure, and
/// the per-connection figures the stat command prints. Fields marked "loop only" are touched only by
/// the processing loop and need no locking.
/// </summary>
public sealed class ClientConnection : IConnectionSink
{
    private readonly Action<ClientConnection> _markDirty;
    private readonly ServerStatistics _stats;
    private readonly TimeProvider _time;
    private readonly CorralMetrics? _metrics;
    private readonly AuditLog? _audit;
    private bool _dirty;

    public ClientConnection(long id, IPEndPoint? remote, ReadThrottle throttle, ServerStatistics stats,
        TimeProvider time, Action<ClientConnection> markDirty, CorralMetrics? metrics = null, AuditLog? audit = null)
    {
        Id = id;
        RemoteEndPoint = remote;
        RemoteAddress = remote is null ? "unknown" : $"{remote.Address}:{remote.Port}";
        Throttle = throttle;
        Output = new ConnectionOutput(throttle);
        _stats = stats;
        _time = time;
        _markDirty = markDirty;
        _metrics = metrics;
        _audit = audit;
        Details = new ConnectionDetails(time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    public long Id { get; }
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>"ip:port", as the core and the logs see it.</summary>
    public string RemoteAddress { get; }

    public ReadThrottle Throttle { get; }
    public ConnectionOutput Output { get; }

    /// <summary>True when the connection came in on the secure (TLS) client port.</summary>
    public bool IsSecure { get; init; }

    /// <summary>The RFC 2253 subject of the client certificate presented over TLS, if any.</summary>
    public string? X509Subject { get; init; }

    /// <summary>True once the first bytes turned out to be a four-letter word rather than a ConnectRequest.</summary>
    public bool IsCommand { get; set; }

    /// <summary>Set by the reader when it stops reading; lets the writer and shutdown stop the reader.</summary>
    public Action? StopReading { get; set; }

    /// <summary>Loop only: the core's side of this connection, opened on the first frame.</summary>
    internal IHostedCoreConnection? Core { get; set; }

    /// <summary>Loop only: the core has been told the connection is gone.</summary>
    internal bool CoreDisconnected { get; set; }

    /// <summary>Loop only: frames received from the client (stat's recved).</summary>
    internal long PacketsReceived { get; set; }

    /// <summary>Loop only: frames sent to the client (stat's sent).</summary>
    internal long PacketsSent { get; set; }

    /// <summary>Where session establishment is logged; set by the connection handler before the first frame.</summary>
    internal ILogger? Log { get; set; }

    /// <summary>Loop only: requests held back while this connection's unsent output is over the limit.</summary>
    internal Queue<CoreLoop.WorkItem> HeldBack { get; } = new();

    /// <summary>Loop only: this connection's held requests wait for the log to catch up (write throttling).</summary>
    internal bool WaitingForDisk { get; set; }

    /// <summary>Loop only: cons' per-connection figures (session, last operation, latencies).</summary>
    public ConnectionDetails Details { get; }

    /// <summary>
    /// Loop only: requests not yet answered (receive time, type, and the path when audited). Replies
    /// leave in request order (only notifications, xid -1, interleave), so the oldest entry belongs
    /// to the next reply.
    /// </summary>
    internal Queue<AwaitedReply> AwaitingReply { get; } = new();

    /// <summary>Loop only: requests the core has received but not answered (stat's queued).</summary>
    internal int Outstanding => AwaitingReply.Count;

    /// <summary>Loop only: called by the loop before handing a frame to the core.</summary>
    internal void OnFrameReceived(long receivedTimestamp, ReadOnlySpan<byte> payload)
    {
        PacketsReceived++;
        _stats.PacketsReceived++;
        // The first frame is the ConnectRequest (no request header); later ones start with (xid, type).
        OpCode op = PacketsReceived == 1 ? OpCode.CreateSession
            : payload.Length >= 8 ? (OpCode)BinaryPrimitives.ReadInt32BigEndian(payload[4..]) : OpCode.Error;
        string? path = _audit is { Enabled: true } && AuditLog.IsAudited(op) && AuditLog.HasPath(op) ? RequestPath(payload) : null;
        AwaitingReply.Enqueue(new AwaitedReply(receivedTimestamp, op, path));
    }

    /// <summary>Loop only: crst, as ServerCnxn.resetStats: packet counts, latencies and the last operation.</summary>
    internal void ResetStatistics()
    {
        PacketsReceived = 0;
        PacketsSent = 0;
        Details.Reset();
    }

    /// <summary>Loop only: the connection's authenticated identities, for the audit log.</summary>
    internal string User => Core?.Identities ?? "";

    /// <summary>The path of a request whose body starts with one (create, delete, setData, setACL...).</summary>
    private static string? RequestPath(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 12) return null;
        int length = BinaryPrimitives.ReadInt32BigEndian(payload[8..]);
        if (length < 0 || length > payload.Length - 12) return null;
        return System.Text.Encoding.UTF8.GetString(payload.Slice(12, length));
    }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> frame)
    {
        if (!Output.Enqueue(frame)) return;
        PacketsSent++;
        _stats.PacketsSent++;
        _stats.RecordResponseSize(frame.Length - 4);
        _metrics?.RecordSent(frame.Length);
        // The ConnectResponse has no header (its first int is protocolVersion 0), so it pairs with the
        // ConnectRequest; every later non-notification frame pairs with the oldest pending request.
        bool isNotification = frame.Length >= 8 && BinaryPrimitives.ReadInt32BigEndian(frame[4..]) == -1
                              && PacketsSent > 1;
        if (!isNotification && AwaitingReply.TryDequeue(out var request))
            OnReply(request, frame[4..]);
        MarkDirty();
    }

    private void OnReply(in AwaitedReply request, ReadOnlySpan<byte> payload)
    {
        TimeSpan elapsed = _time.GetElapsedTime(request.ReceivedTimestamp);
        _stats.RecordLatency(elapsed);
        _metrics?.RecordRequest(request.Op, elapsed);
        if (request.Op == OpCode.CreateSession)
        {
            Details.OnConnectResponse(payload);
            LogSessionOutcome();
            return;
        }
        Details.OnReply(request.Op, payload, (long)elapsed.TotalMilliseconds, _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (_audit is { Enabled: true } && AuditLog.IsAudited(request.Op) && payload.Length >= 16)
            _audit.Write(Details.SessionId, User, RemoteEndPoint?.Address.ToString() ?? "unknown", request.Op, request.AuditPath,
                (ErrorCode)BinaryPrimitives.ReadInt32BigEndian(payload[12..]));
    }

    /// <summary>ZooKeeper's INFO lines for a handshake: the session established, or refused (expired or bad password).</summary>
    private void LogSessionOutcome()
    {
        if (Log is not { } log || !log.IsEnabled(LogLevel.Information)) return;
        if (Details.SessionId != 0)
            log.LogInformation(
                "Established session 0x{Session:x} with negotiated timeout {Timeout} for client {Remote}",
                Details.SessionId, Details.SessionTimeoutMs, RemoteAddress);
        else
            log.LogInformation("Invalid session for client {Remote}, probably expired", RemoteAddress);
    }

    /// <inheritdoc />
    public void Close()
    {
        Output.RequestClose();
        MarkDirty();
    }

    /// <summary>Loop only: after a batch, wake this connection's writer once.</summary>
    internal void FlushBatch()
    {
        _dirty = false;
        Output.Signal();
    }

    private void MarkDirty()
    {
        if (_dirty) return;
        _dirty = true;
        _markDirty(this);
    }
}

/// <summary>A request waiting for its reply: when it was read, its type, and its path if the audit log wants it.</summary>
internal readonly record struct AwaitedReply(long ReceivedTimestamp, OpCode Op, string? AuditPath);
