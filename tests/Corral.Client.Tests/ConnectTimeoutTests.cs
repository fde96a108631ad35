using System.Diagnostics;
using System.Net.Sockets;
using Corral.Client.Tests.Infrastructure;
using Fault = Corral.Client.Tests.Infrastructure.HandshakeFaultServer.Fault;

namespace Corral.Client.Tests;

/// <summary>
/// Every way the connect handshake can go wrong ends ConnectAsync within its budget with a typed
/// error (issue #4: a server SIGKILLed mid-handshake used to leave ConnectAsync pending for ever,
/// because the client retried the dead port with no limit on the first connect).
/// </summary>
public sealed class ConnectTimeoutTests(CorralServerFixture server) : IClassFixture<CorralServerFixture>
{
    // Generous for a loaded 2-core machine: the attempt budget is 2 s, completion is checked at 20 s.
    private static readonly TimeSpan Attempt = TimeSpan.FromSeconds(2);

    private IZooKeeperServer Server => server;

    private static CorralClientOptions Options() => new()
    {
        SessionTimeout = Attempt, // with one host the first-connect budget is max(session, connect) = 2 s
        ConnectTimeout = Attempt,
        ShuffleHosts = false,
    };

    [Theory]
    [InlineData(Fault.NeverAnswer)]
    [InlineData(Fault.HalfFrame)]
    [InlineData(Fault.CloseImmediately)]
    [InlineData(Fault.Reset)]
    public async Task ConnectAsync_fails_within_its_budget_then_a_good_server_connects(Fault fault)
    {
        await using var bad = new HandshakeFaultServer(fault);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ConnectionLossException>(
            () => CorralClient.ConnectAsync(bad.ConnectionString, Options()).Within());
        var elapsed = clock.Elapsed;

        Assert.Equal(Corral.Protocol.ErrorCode.ConnectionLoss, error.Code);
        Assert.StartsWith($"no session from {bad.ConnectionString} within 2000 ms; last attempt: ", error.Message);
        // It kept trying for the whole budget (no early give-up) and stopped well before the 20 s check.
        Assert.True(elapsed >= Attempt - TimeSpan.FromMilliseconds(100), $"gave up after {elapsed}");
        Assert.True(bad.Accepted >= 1);
        switch (fault)
        {
            case Fault.NeverAnswer or Fault.HalfFrame:
                // One attempt uses the whole budget, and it is the handshake deadline that ends it.
                var timeout = Assert.IsType<TimeoutException>(error.InnerException);
                // (the attempt is capped by what is left of the budget, so its own figure may be under 2000)
                Assert.Matches($@"^no handshake with 127\.0\.0\.1:{bad.Port} within (\d+) ms$", timeout.Message);
                Assert.InRange(int.Parse(System.Text.RegularExpressions.Regex.Match(timeout.Message, @"within (\d+) ms").Groups[1].Value), 1, 2000);
                Assert.Equal(1, bad.Accepted);
                // The abandoned socket was closed, not leaked.
                await Wait.UntilAsync(() => Task.FromResult(bad.PeerClosed == 1), "the client to close the stalled socket");
                break;
            default:
                // Each attempt fails at once (EOF or RST), so the client retried until the budget ran out.
                Assert.True(error.InnerException is IOException or SocketException, $"inner: {error.InnerException}");
                Assert.True(bad.Accepted >= 2, $"accepted {bad.Accepted}");
                break;
        }

        await using var good = await CorralClient.ConnectAsync(Server.ConnectionString, Options()).Within();
        Assert.Equal(ConnectionState.Connected, good.State);
        Assert.NotEqual(0, good.SessionId);
        Assert.NotNull(await good.ExistsAsync("/").Within());
    }

    [Fact]
    public async Task ConnectAsync_to_a_stalled_server_honours_cancellation_and_closes_the_socket()
    {
        await using var bad = new HandshakeFaultServer(Fault.NeverAnswer);
        var options = Options();
        options.ConnectTimeout = options.SessionTimeout = TimeSpan.FromSeconds(60); // only the token can end it in time
        using var cts = new CancellationTokenSource();
        var connect = CorralClient.ConnectAsync(bad.ConnectionString, options, cts.Token);
        await Wait.UntilAsync(() => Task.FromResult(bad.Accepted == 1), "the handshake to start");
        Assert.False(connect.IsCompleted);

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.Within());
        await Wait.UntilAsync(() => Task.FromResult(bad.PeerClosed == 1), "the client to close the stalled socket");
        Assert.Equal(1, bad.Accepted);
    }

    [Fact]
    public async Task ConnectAsync_moves_past_a_stalled_server_to_a_good_one()
    {
        await using var bad = new HandshakeFaultServer(Fault.HalfFrame);
        var clock = Stopwatch.StartNew();
        var options = Options();
        options.SessionTimeout = TimeSpan.FromSeconds(10);
        await using var zk = await CorralClient.ConnectAsync($"{bad.ConnectionString},{Server.ConnectionString}", options).Within();

        Assert.Equal(Server.ConnectionString, zk.CurrentServer);
        Assert.Equal(1, bad.Accepted);
        Assert.True(clock.Elapsed >= Attempt - TimeSpan.FromMilliseconds(100), $"connected after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_stalled_reconnect_handshake_times_out_and_the_session_reconnects()
    {
        await using var proxy = new FaultProxy(server.Port);
        await using var bad = new HandshakeFaultServer(Fault.NeverAnswer);
        var options = Options();
        options.SessionTimeout = TimeSpan.FromSeconds(20);
        await using var zk = await CorralClient.ConnectAsync($"{proxy.ConnectionString},{bad.ConnectionString}", options).Within();
        Assert.Equal(proxy.ConnectionString, zk.CurrentServer);
        long session = zk.SessionId;
        var states = zk.WatchConnectionStateAsync().GetAsyncEnumerator();

        // The good server vanishes; the client's next try is the stalling one.
        proxy.SetMode(FaultProxy.Mode.BlackHole);
        proxy.CutAll();
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Disconnected, states.Current);
        await Wait.UntilAsync(() => Task.FromResult(bad.Accepted == 1), "the reconnect to reach the stalling server");
        proxy.SetMode(FaultProxy.Mode.Forward);

        // That handshake must time out (2 s) so the client goes back to the good server, same session.
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Connected, states.Current);
        Assert.Equal(session, zk.SessionId);
        Assert.Equal(proxy.ConnectionString, zk.CurrentServer);
        await Wait.UntilAsync(() => Task.FromResult(bad.PeerClosed == 1), "the client to close the stalled socket");
        Assert.Equal(1, bad.Accepted);
        Assert.NotNull(await zk.ExistsAsync("/").Within());
    }
}
