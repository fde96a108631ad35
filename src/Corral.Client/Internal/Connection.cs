using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Corral.Protocol;
using Microsoft.Extensions.Logging;

namespace Corral.Client.Internal;

/// <summary>Why a connection ended.</summary>
internal enum ConnectionEnd { Broken, ReadTimeout, AuthFailed, Stopped }

/// <summary>
/// One TCP connection to one server for the lifetime of one socket: the handshake, then a writer
/// loop (drains the client's request queue, assigns xids, batches frames, pings when idle) and a
/// reader loop (matches replies to requests in FIFO order, dispatches notifications, times out when
/// the server goes silent). Requests written but unanswered when it ends are failed by the owner.
/// </summary>
internal sealed class Connection : IAsyncDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly ConcurrentQueue<PendingRequest> _inFlight = new();
    private readonly ConcurrentQueue<PendingRequest> _authInFlight = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _log;

    private Connection(Socket socket, Stream stream, EndPoint server, ILogger log)
    {
        _socket = socket;
        Server = server;
        _stream = stream;
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        _log = log;
    }

    public EndPoint Server { get; }
    public ConnectResponse Response { get; private set; } = null!;

    /// <summary>Connects and performs the ConnectRequest/ConnectResponse handshake within <paramref name="timeout"/>.</summary>
    /// <remarks>With <paramref name="tls"/> the TLS handshake comes first and counts against the same timeout.</remarks>
    public static async Task<Connection> OpenAsync(DnsEndPoint server, ConnectRequest request, TimeSpan timeout, ILogger log, CancellationToken ct,
        CorralClientTlsOptions? tls = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Connection? connection = null;
        try
        {
            await socket.ConnectAsync(server, deadline.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null) stream = await TlsHandshake.AuthenticateAsync(stream, server.Host, tls, deadline.Token).ConfigureAwait(false);
            connection = new Connection(socket, stream, server, log);
            using (var frame = new FrameWriter(256))
            {
                frame.WriteFrame(request);
                await connection._stream.WriteAsync(frame.WrittenMemory, deadline.Token).ConfigureAwait(false);
            }
            var payload = await connection.ReadFrameAsync(deadline.Token).ConfigureAwait(false)
                ?? throw new IOException("the server closed the connection during the handshake");
            try
            {
                connection.Response = Decode(payload, static (ref JuteReader r) => ConnectResponse.Read(ref r));
            }
            catch (JuteException e)
            {
                throw new IOException($"the server sent a malformed ConnectResponse: {e.Message}", e);
            }
            return connection;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false); else socket.Dispose();
            throw new TimeoutException($"no handshake with {server.Host}:{server.Port} within {timeout.TotalMilliseconds:0} ms");
        }
        catch
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false); else socket.Dispose();
            throw;
        }
    }

    private delegate T Decoder<T>(ref JuteReader r);

    private static T Decode<T>(byte[] payload, Decoder<T> decode)
    {
        var r = new JuteReader(payload);
        return decode(ref r);
    }

    /// <summary>Reads one whole frame (the handshake only; the reader loop parses in place).</summary>
    private async Task<byte[]?> ReadFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await _input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = Frame.TryReadFrame(ref buffer, out var payload);
            if (status == FrameStatus.Complete)
            {
                var bytes = payload.ToArray();
                _input.AdvanceTo(buffer.Start);
                return bytes;
            }
            if (status == FrameStatus.Invalid) throw new IOException("the server sent an invalid frame length");
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return null;
        }
    }

    /// <summary>
    /// Runs both loops until the connection ends. <paramref name="first"/> (auth packets, SetWatches2)
    /// is written before anything from <paramref name="queue"/>.
    /// </summary>
    public async Task<ConnectionEnd> RunAsync(ClientSession session, IReadOnlyList<PendingRequest> first, ChannelReader<PendingRequest> queue)
    {
        int timeout = Response.TimeOut;
        var readTimeout = TimeSpan.FromMilliseconds(timeout * 2 / 3);
        var pingInterval = TimeSpan.FromMilliseconds(Math.Max(timeout / 3, 1));
        var writer = WriteLoopAsync(session, first, queue, pingInterval);
        var reader = ReadLoopAsync(session, readTimeout);
        var ended = await Task.WhenAny(writer, reader).ConfigureAwait(false);
        _stop.Cancel();
        _socket.Close(0);
        var end = ended.IsCompletedSuccessfully ? ended.Result : ConnectionEnd.Broken;
        try { await Task.WhenAll(writer, reader).ConfigureAwait(false); } catch { /* the first ending is what matters */ }
        return end;
    }

    /// <summary>Stops both loops (the owner then fails what was in flight).</summary>
    public void Stop()
    {
        try { _stop.Cancel(); } catch (ObjectDisposedException) { /* already gone */ }
    }

    /// <summary>Everything written and not answered, in order; empties the queues.</summary>
    public List<PendingRequest> TakeUnanswered()
    {
        var list = new List<PendingRequest>();
        while (_authInFlight.TryDequeue(out var a)) list.Add(a);
        while (_inFlight.TryDequeue(out var p)) list.Add(p);
        return list;
    }

    private async Task<ConnectionEnd> WriteLoopAsync(ClientSession session, IReadOnlyList<PendingRequest> first, ChannelReader<PendingRequest> queue, TimeSpan pingInterval)
    {
        using var frames = new FrameWriter(16 * 1024);
        var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            foreach (var p in first) Encode(session, frames, p);
            while (!_stop.IsCancellationRequested)
            {
                while (frames.WrittenCount < FlushThreshold && queue.TryRead(out var p)) Encode(session, frames, p);
                if (frames.WrittenCount > 0)
                {
                    await _stream.WriteAsync(frames.WrittenMemory, _stop.Token).ConfigureAwait(false);
                    frames.Reset();
                    idle.CancelAfter(pingInterval);
                    continue;
                }
                idle.CancelAfter(pingInterval);
                try
                {
                    if (!await queue.WaitToReadAsync(idle.Token).ConfigureAwait(false)) return ConnectionEnd.Stopped;
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    // Nothing sent for a third of the session timeout: ping so the server keeps the session.
                    idle.Dispose();
                    idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    frames.WriteFrame(new RequestHeader(Xids.Ping, OpCode.Ping));
                }
            }
            return ConnectionEnd.Stopped;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_stop.IsCancellationRequested) _log.LogDebug(e, "write to {Server} failed", Server);
            return ConnectionEnd.Broken;
        }
        finally
        {
            idle.Dispose();
        }
    }

    private void Encode(ClientSession session, FrameWriter frames, PendingRequest p)
    {
        if (p.IsAbandoned) return; // cancelled before it was sent: nothing to undo
        p.Xid = p.Op switch
        {
            OpCode.Auth => Xids.Auth,
            _ => session.NextXid(),
        };
        try
        {
            frames.BeginFrame();
            var w = new JuteWriter(frames);
            new RequestHeader(p.Xid, p.Op).Write(ref w);
            p.Body?.Write(ref w);
            frames.FinishFrame();
        }
        catch (FrameTooLargeException e)
        {
            p.Fail(new ZooKeeperException(ErrorCode.MarshallingError, p.Path, $"request too large: {e.Message}", e));
            return;
        }
        p.SentTimestamp = session.Time.GetTimestamp();
        (p.Op == OpCode.Auth ? _authInFlight : _inFlight).Enqueue(p);
        ClientMetrics.Requests.Add(1, new KeyValuePair<string, object?>("op", p.Op.ToString()));
    }

    private async Task<ConnectionEnd> ReadLoopAsync(ClientSession session, TimeSpan readTimeout)
    {
        var silence = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            while (true)
            {
                silence.CancelAfter(readTimeout);
                ReadResult result;
                try
                {
                    result = await _input.ReadAsync(silence.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    _log.LogInformation("no reply from {Server} for {Timeout} ms; reconnecting", Server, readTimeout.TotalMilliseconds);
                    return ConnectionEnd.ReadTimeout;
                }
                var buffer = result.Buffer;
                ConnectionEnd? end = null;
                while (end is null)
                {
                    var status = Frame.TryReadFrame(ref buffer, out var payload);
                    if (status == FrameStatus.Incomplete) break;
                    if (status == FrameStatus.Invalid)
                    {
                        _log.LogWarning("{Server} sent an invalid frame length; dropping the connection", Server);
                        end = ConnectionEnd.Broken;
                        break;
                    }
                    end = HandleFrame(session, payload);
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (end is { } e) return e;
                if (result.IsCompleted) return ConnectionEnd.Broken;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_stop.IsCancellationRequested) _log.LogDebug(e, "read from {Server} failed", Server);
            return ConnectionEnd.Broken;
        }
        finally
        {
            silence.Dispose();
        }
    }

    private ConnectionEnd? HandleFrame(ClientSession session, ReadOnlySequence<byte> payload)
    {
        byte[]? rented = null;
        ReadOnlySpan<byte> span;
        if (payload.IsSingleSegment) span = payload.FirstSpan;
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
            payload.CopyTo(rented);
            span = rented.AsSpan(0, (int)payload.Length);
        }
        try
        {
            return HandleFrame(session, span);
        }
        catch (JuteException e)
        {
            _log.LogWarning("malformed frame from {Server}: {Message}; dropping the connection", Server, e.Message);
            return ConnectionEnd.Broken;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private ConnectionEnd? HandleFrame(ClientSession session, ReadOnlySpan<byte> frame)
    {
        var r = new JuteReader(frame);
        var header = ReplyHeader.Read(ref r);
        session.OnHeard(header.Zxid);
        switch (header.Xid)
        {
            case Xids.Notification:
                var e = WatcherEvent.Read(ref r);
                ClientMetrics.WatchEvents.Add(1);
                session.Watches.Dispatch(e, session.Paths);
                return null;
            case Xids.Ping:
                return null;
            case Xids.Auth:
                if (_authInFlight.TryDequeue(out var auth)) auth.Complete(header, ref r, session.Paths, session.Watches);
                return header.Err == ErrorCode.AuthFailed ? ConnectionEnd.AuthFailed : null;
        }
        if (!_inFlight.TryDequeue(out var p) || p.Xid != header.Xid)
        {
            _log.LogWarning("{Server} replied with xid {Xid}, expected {Expected}; dropping the connection", Server, header.Xid, p?.Xid);
            if (p is not null) p.Fail(new ConnectionLossException(p.Path));
            return ConnectionEnd.Broken;
        }
        if (header.Err != ErrorCode.Ok) ClientMetrics.Errors.Add(1, new KeyValuePair<string, object?>("code", header.Err.ToString()));
        ClientMetrics.RequestDuration.Record(session.Time.GetElapsedTime(p.SentTimestamp).TotalMilliseconds);
        p.Complete(header, ref r, session.Paths, session.Watches);
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
