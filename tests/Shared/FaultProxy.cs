using System.Net;
using System.Net.Sockets;

namespace Corral.Tests.Shared;

/// <summary>
/// A local TCP proxy in front of a server that can cut every connection, black-hole traffic in
/// both directions (a stalled network), or swallow only the server's replies (so that a request is
/// applied but its answer never arrives).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    public enum Mode { Forward, BlackHole, DropReplies }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private readonly Task _accept;
    private volatile Mode _mode = Mode.Forward;

    public FaultProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptLoopAsync();
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    public int Accepted { get; private set; }

    public void SetMode(Mode mode) => _mode = mode;

    /// <summary>Closes every proxied connection now (the client sees a reset/EOF).</summary>
    public void CutAll()
    {
        lock (_pairs)
        {
            foreach (var (c, s) in _pairs) { c.Close(); s.Close(); }
            _pairs.Clear();
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Accepted++;
                var server = new TcpClient();
                try
                {
                    await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                }
                catch (SocketException)
                {
                    client.Close();
                    continue;
                }
                lock (_pairs) _pairs.Add((client, server));
                _ = PumpAsync(client, server, toServer: true);
                _ = PumpAsync(server, client, toServer: false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool toServer)
    {
        var buffer = new byte[65536];
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            while (true)
            {
                int n = await input.ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                var mode = _mode;
                if (mode == Mode.BlackHole) continue;
                if (mode == Mode.DropReplies && !toServer) continue;
                await output.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or SocketException)
        {
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        CutAll();
        try { await _accept; } catch { }
    }
}
