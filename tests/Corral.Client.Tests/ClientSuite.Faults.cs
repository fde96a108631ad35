using Corral.Client.Tests.Infrastructure;
using Corral.Protocol;

namespace Corral.Client.Tests;

/// <summary>Connection-loss behaviour, driven through a proxy that cuts, stalls or half-drops connections.</summary>
public abstract partial class ClientSuite
{
    [Fact]
    public async Task Session_ephemerals_and_watches_survive_a_cut_connection()
    {
        await using var proxy = new FaultProxy(Server.Port);
        await using var zk = await ConnectAsync(proxy.ConnectionString);
        await using var other = await ConnectAsync();
        long session = zk.SessionId;
        await zk.CreateAsync(Root, Bytes(""));
        var eph = await zk.CreateAsync(Root + "/eph", Bytes(""), CreateMode.Ephemeral);
        var dataWatch = await zk.GetDataWatchAsync(Root);
        var childWatch = await zk.GetChildrenWatchAsync(Root);
        await using var persistent = await zk.AddWatchAsync(Root + "/p", AddWatchMode.Persistent);
        var states = zk.WatchConnectionStateAsync().GetAsyncEnumerator();
        long zxidBefore = zk.LastZxid;

        proxy.CutAll();
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Disconnected, states.Current);
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Connected, states.Current);

        Assert.Equal(session, zk.SessionId);
        Assert.True(zk.LastZxid >= zxidBefore);
        Assert.Equal(session, (await other.ExistsAsync(eph.Path))!.Value.EphemeralOwner);
        Assert.Equal(2, proxy.Accepted);

        // Watches were re-registered with SetWatches2: changes made now still reach them.
        await other.SetDataAsync(Root, Bytes("changed"));
        Assert.Equal(EventType.NodeDataChanged, (await dataWatch.Changed.Within()).Type);
        await other.CreateAsync(Root + "/p", Bytes(""));
        Assert.Equal(EventType.NodeChildrenChanged, (await childWatch.Changed.Within()).Type);
        var e = await persistent.NextAsync().AsTask().Within();
        Assert.Equal(new WatchedEvent(EventType.NodeCreated, KeeperState.SyncConnected, Root + "/p"), e);
    }

    [Fact]
    public async Task Reconnect_moves_to_the_next_server_and_resends_auth()
    {
        await using var first = new FaultProxy(Server.Port);
        await using var second = new FaultProxy(Server.Port);
        var options = Options();
        options.ShuffleHosts = false;
        if (Environment.GetEnvironmentVariable("CORRAL_TEST_LOG") is { } logFile)
            options.LoggerFactory = new FileLoggerFactory(logFile);
        await using var zk = await CorralClient.ConnectAsync($"{first.ConnectionString},{second.ConnectionString}", options).Within();
        Assert.True(first.ConnectionString == zk.CurrentServer, $"connected to {zk.CurrentServer}, first {first.ConnectionString} accepted {first.Accepted}, second {second.ConnectionString} accepted {second.Accepted}");
        await zk.AddAuthAsync("digest", "dave:pw");
        await zk.CreateAsync(Root, Bytes("mine"), CreateMode.Persistent, Acl.CreatorAllAcl);
        long session = zk.SessionId;

        first.SetMode(FaultProxy.Mode.BlackHole);
        first.CutAll();
        await Wait.UntilAsync(() => Task.FromResult(zk.State == ConnectionState.Connected && zk.CurrentServer == second.ConnectionString), $"reconnect via the second server (state {zk.State}, server {zk.CurrentServer}, accepted {first.Accepted}/{second.Accepted})");
        Assert.Equal(second.ConnectionString, zk.CurrentServer);
        Assert.Equal(session, zk.SessionId);
        // The digest credentials were re-sent: the creator-only node is still readable.
        Assert.Equal("mine", (await zk.GetDataAsync(Root)).DataAsString);
        Assert.Contains(await zk.WhoAmIAsync(), c => c.AuthScheme == "digest" && c.User == "dave");
    }

    [Fact]
    public async Task Change_made_while_disconnected_is_reported_after_reconnect()
    {
        await using var proxy = new FaultProxy(Server.Port);
        await using var zk = await ConnectAsync(proxy.ConnectionString);
        await using var other = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes("a"));
        var watched = await zk.GetDataWatchAsync(Root);
        var states = zk.WatchConnectionStateAsync().GetAsyncEnumerator();

        proxy.SetMode(FaultProxy.Mode.BlackHole);
        zk.SimulateConnectionLoss();
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Disconnected, states.Current);
        await other.SetDataAsync(Root, Bytes("b"));
        proxy.SetMode(FaultProxy.Mode.Forward);
        proxy.CutAll();

        // SetWatches2 carried our lastZxid, so the server reported the missed change at once.
        Assert.Equal(new WatchedEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, Root), await watched.Changed.Within());
        Assert.Equal("b", (await zk.GetDataAsync(Root)).DataAsString);
    }

    [Fact]
    public async Task Requests_in_flight_fail_with_connection_loss_and_reads_are_retried()
    {
        await using var proxy = new FaultProxy(Server.Port);
        var options = Options(TimeSpan.FromSeconds(10));
        options.RetryPolicy = new Robustness.RetryNTimes(20, TimeSpan.FromMilliseconds(50));
        await using var zk = await CorralClient.ConnectAsync(proxy.ConnectionString, options).Within();
        await zk.CreateAsync(Root, Bytes("v"));

        proxy.SetMode(FaultProxy.Mode.DropReplies);
        var write = zk.SetDataAsync(Root, Bytes("w"));
        var read = zk.GetDataAsync(Root);
        await using var other = await ConnectAsync();
        await Wait.UntilAsync(async () => (await other.GetDataAsync(Root)).DataAsString == "w", "the write to reach the server");
        Assert.False(write.IsCompleted);
        Assert.False(read.IsCompleted);
        proxy.SetMode(FaultProxy.Mode.Forward);
        proxy.CutAll();

        // The write is not idempotent: its outcome is unknown, so the caller is told.
        await Assert.ThrowsAsync<ConnectionLossException>(() => write.Within());
        // The read is retried on the new connection and sees the write that did get applied.
        Assert.Equal("w", (await read.Within()).DataAsString);
    }

    [Fact]
    public async Task Protected_create_finds_its_own_node_after_the_reply_was_lost()
    {
        await using var proxy = new FaultProxy(Server.Port);
        var options = Options(TimeSpan.FromSeconds(6));
        options.RetryPolicy = new Robustness.RetryNTimes(20, TimeSpan.FromMilliseconds(50));
        await using var zk = await CorralClient.ConnectAsync(proxy.ConnectionString, options).Within();
        await zk.CreateAsync(Root, Bytes(""));

        // The create reaches the server but its reply never comes back; the client times out the
        // silent connection, reconnects, and must find the node instead of creating a second one.
        proxy.SetMode(FaultProxy.Mode.DropReplies);
        var create = zk.CreateProtectedAsync(Root + "/lock-", Bytes(""));
        var states = zk.WatchConnectionStateAsync().GetAsyncEnumerator();
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Disconnected, states.Current);
        proxy.SetMode(FaultProxy.Mode.Forward);

        var node = await create.Within();
        var children = (await zk.GetChildrenAsync(Root)).Children;
        Assert.Equal([PathUtils.NameOf(node.Path)], children);
        Assert.Equal(zk.SessionId, node.Stat.EphemeralOwner);
    }

    [Fact]
    public async Task Stalled_network_expires_the_session_once_on_the_client()
    {
        await using var proxy = new FaultProxy(Server.Port);
        await using var zk = await ConnectAsync(proxy.ConnectionString, TimeSpan.FromSeconds(4));
        await zk.CreateAsync(Root, Bytes(""));
        var watched = await zk.GetDataWatchAsync(Root);
        var states = new List<ConnectionState>();
        var collecting = Task.Run(async () => { await foreach (var s in zk.WatchConnectionStateAsync()) states.Add(s); });

        proxy.SetMode(FaultProxy.Mode.BlackHole);
        await collecting.Within(TimeSpan.FromSeconds(30));

        Assert.Equal([ConnectionState.Disconnected, ConnectionState.Expired], states);
        Assert.Equal(ConnectionState.Expired, zk.State);
        await Assert.ThrowsAsync<SessionExpiredException>(() => watched.Changed);
        await Assert.ThrowsAsync<SessionExpiredException>(() => zk.GetDataAsync(Root));
    }
}
