using System.Net;
using System.Net.Sockets;
using Corral.Protocol;

namespace Corral.Bench;

/// <summary>Raised when a server breaks the protocol or the connection: the session cannot go on.</summary>
public sealed class WireException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// One ZooKeeper session on one raw TCP connection, with no client library in between: requests
/// are encoded straight into <see cref="Output"/> and sent in batches by <see cref="FlushAsync"/>;
/// replies are framed out of one receive buffer by <see cref="TryTakeFrame"/>. Pipelining, xid
/// matching and verification are the caller's job. Not thread-safe: one loop drives one connection.
/// </summary>
public sealed class WireConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private byte[] _receive = new byte[64 * 1024];
    private int _start;   // first unconsumed byte in _receive
    private int _end;     // one past the last received byte
    private int _nextXid = 1;

    private WireConnection(Socket socket, DnsEndPoint host)
    {
        _socket = socket;
        Host = host;
    }

    public DnsEndPoint Host { get; }
    public long SessionId { get; private set; }
    public int NegotiatedTimeoutMs { get; private set; }

    /// <summary>Requests are encoded here; nothing goes out until <see cref="FlushAsync"/>.</summary>
    public FrameWriter Output { get; } = new(64 * 1024);

    /// <summary>The next client xid: positive and increasing, as real clients use them.</summary>
    public int NextXid() => _nextXid++;

    /// <summary>Opens a TCP connection and a new session (ConnectRequest/ConnectResponse).</summary>
    public static async Task<WireConnection> OpenAsync(DnsEndPoint host, int sessionTimeoutMs, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connection = new WireConnection(socket, host);
        try
        {
            await socket.ConnectAsync(host, ct).ConfigureAwait(false);
            var request = new ConnectRequest(0, 0, sessionTimeoutMs, 0, new byte[ConnectResponse.PasswordLength], false);
            connection.Output.WriteFrame(request);
            await connection.FlushAsync(ct).ConfigureAwait(false);
            while (!connection.TryReadConnectResponse())
            {
                if (!await connection.ReceiveAsync(ct).ConfigureAwait(false))
                    throw new WireException($"{Describe(host)} closed the connection during the handshake");
            }
            return connection;
        }
        catch (Exception e) when (e is SocketException or JuteException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new WireException($"cannot open a session on {Describe(host)}: {e.Message}", e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private bool TryReadConnectResponse()
    {
        if (!TryTakeFrame(out var payload)) return false;
        var reader = new JuteReader(payload);
        var response = ConnectResponse.Read(ref reader);
        if (response.TimeOut <= 0)
            throw new WireException($"{Describe(Host)} refused the session (negotiated timeout {response.TimeOut})");
        SessionId = response.SessionId;
        NegotiatedTimeoutMs = response.TimeOut;
        return true;
    }

    /// <summary>Sends everything encoded in <see cref="Output"/> and empties it.</summary>
    public async ValueTask FlushAsync(CancellationToken ct)
    {
        if (Output.WrittenCount == 0) return;
        try
        {
            var pending = Output.WrittenMemory;
            while (!pending.IsEmpty)
            {
                int sent = await _socket.SendAsync(pending, SocketFlags.None, ct).ConfigureAwait(false);
                pending = pending[sent..];
            }
        }
        catch (SocketException e)
        {
            throw new WireException($"sending to {Describe(Host)} failed: {e.SocketErrorCode}", e);
        }
        Output.Reset();
    }

    /// <summary>Reads more bytes from the socket; false when the server closed the connection.</summary>
    public async ValueTask<bool> ReceiveAsync(CancellationToken ct)
    {
        MakeRoom();
        try
        {
            int n = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
            _end += n;
            return n > 0;
        }
        catch (SocketException e)
        {
            throw new WireException($"receiving from {Describe(Host)} failed: {e.SocketErrorCode}", e);
        }
    }

    /// <summary>
    /// Takes the next whole frame out of the receive buffer. The span stays valid until the next
    /// <see cref="ReceiveAsync"/>. A frame length outside 0..1 MB breaks the protocol.
    /// </summary>
    public bool TryTakeFrame(out ReadOnlySpan<byte> payload)
    {
        var status = Frame.TryReadFrame(_receive.AsSpan(_start, _end - _start), out payload, out int frameSize);
        if (status == FrameStatus.Invalid)
            throw new WireException($"{Describe(Host)} sent an invalid frame length");
        if (status == FrameStatus.Incomplete) return false;
        _start += frameSize;
        if (_start == _end) _start = _end = 0;
        return true;
    }

    // Keeps at least a quarter of the buffer free for the next read, and makes sure a frame whose
    // length prefix has arrived fits whole.
    private void MakeRoom()
    {
        int unread = _end - _start;
        int needed = _receive.Length / 4;
        if (unread >= Frame.LengthPrefixSize)
        {
            int frame = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(_receive.AsSpan(_start));
            if (frame > 0 && frame <= Frame.MaxFrameLength)
                needed = Math.Max(needed, frame + Frame.LengthPrefixSize - unread);
        }
        if (_receive.Length - _end >= needed) return;
        if (unread + needed > _receive.Length)
        {
            var bigger = new byte[Math.Max(_receive.Length * 2, unread + needed)];
            _receive.AsSpan(_start, unread).CopyTo(bigger);
            _receive = bigger;
        }
        else
        {
            _receive.AsSpan(_start, unread).CopyTo(_receive);
        }
        _start = 0;
        _end = unread;
    }

    /// <summary>
    /// Ends the session with closeSession and waits for the reply, so the server forgets it at once
    /// instead of when it times out. Returns the server's error code for the close.
    /// </summary>
    public async Task<ErrorCode> CloseSessionAsync(CancellationToken ct)
    {
        var err = ErrorCode.Ok;
        await Pipeline.RunAsync(this, 1, 1,
            (_, xid, output) => RequestEncoder.CloseSession(output, xid),
            (_, header, _) => err = header.Err, ct).ConfigureAwait(false);
        return err;
    }

    public async ValueTask DisposeAsync()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        Output.Dispose();
        await ValueTask.CompletedTask.ConfigureAwait(false);
    }

    internal static string Describe(DnsEndPoint host) => $"{host.Host}:{host.Port}";
}
