using System.Net;
using System.Net.Sockets;

namespace Corral.Client.Tests.Infrastructure;

/// <summary>
/// A fake server that accepts TCP connections and then misbehaves during the ZooKeeper connect
/// handshake in one chosen way, so client tests can drive every failure path of ConnectAsync.
/// </summary>
public sealed class HandshakeFaultServer : IAsyncDisposable
{
    public enum Fault
    {
        /// <summary>Accepts, reads the ConnectRequest, never answers (a hung or SIGSTOPped server).</summary>
        NeverAnswer,
        /// <summary>Accepts and closes at once (a server killed right after accept).</summary>
        CloseImmediately,
        /// <summary>Reads the ConnectRequest, sends the length and a few bytes of a ConnectResponse, then stalls.</summary>
        HalfFrame,
        /// <summary>Accepts and resets the connection (SO_LINGER 0: RST, not FIN).</summary>
        Reset,
    }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Fault _fault;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];
    private readonly List<Task> _handlers = [];
    private readonly Task _accept;
    private int _accepted;
    private int _peerClosed;

    public HandshakeFaultServer(Fault fault)
    {
        _fault = fault;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptLoopAsync();
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);
    /// <summary>Held connections (NeverAnswer, HalfFrame) the client has since closed.</summary>
    public int PeerClosed => Volatile.Read(ref _peerClosed);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                switch (_fault)
                {
                    case Fault.CloseImmediately:
                        socket.Close();
                        break;
                    case Fault.Reset:
                        socket.LingerState = new LingerOption(true, 0);
                        socket.Close();
                        break;
                    default:
                        lock (_held) { _held.Add(socket); _handlers.Add(HoldAsync(socket)); }
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }
    }

    /// <summary>Reads whatever the client sends (answering at most half a frame) until the client closes.</summary>
    private async Task HoldAsync(Socket socket)
    {
        var buffer = new byte[4096];
        bool answered = false;
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                if (_fault == Fault.HalfFrame && !answered)
                {
                    // A ConnectResponse is 36 bytes (protocolVersion, timeOut, sessionId, 16-byte
                    // password); announce all of them but send only 6.
                    answered = true;
                    await socket.SendAsync(new byte[] { 0, 0, 0, 36, 0, 0, 0, 0, 0, 0 }, SocketFlags.None, _stop.Token);
                }
            }
            Interlocked.Increment(ref _peerClosed);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _peerClosed); // the client reset the connection
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // stopped
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accept;
        Task[] handlers;
        lock (_held)
        {
            foreach (var s in _held) s.Dispose();
            handlers = [.. _handlers];
        }
        await Task.WhenAll(handlers);
        _stop.Dispose();
    }
}
