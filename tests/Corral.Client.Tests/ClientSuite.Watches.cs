using Corral.Client.Tests.Infrastructure;
using Corral.Protocol;

namespace Corral.Client.Tests;

public abstract partial class ClientSuite
{
    [Fact]
    public async Task Data_watch_fires_before_the_reply_that_reflects_the_change()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes("v0"));
        var watched = await zk.GetDataWatchAsync(Root);
        Assert.Equal("v0", watched.Value.DataAsString);
        Assert.False(watched.Changed.IsCompleted);

        await zk.SetDataAsync(Root, Bytes("v1"));
        // ZooKeeper's guarantee: the event is delivered before the setData reply.
        Assert.True(watched.Changed.IsCompletedSuccessfully);
        Assert.Equal(new WatchedEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, Root), watched.Changed.Result);

        // One-shot: a second change is not delivered to the consumed watch, only to a new one.
        var again = await zk.GetDataWatchAsync(Root);
        await zk.DeleteAsync(Root);
        Assert.Equal(EventType.NodeDeleted, (await again.Changed.Within()).Type);
    }

    [Fact]
    public async Task Exists_watch_on_a_missing_node_fires_NodeCreated()
    {
        await using var zk = await ConnectAsync();
        await using var other = await ConnectAsync();
        var watched = await zk.ExistsWatchAsync(Root);
        Assert.Null(watched.Value);
        await other.CreateAsync(Root, Bytes(""));
        var e = await watched.Changed.Within();
        Assert.Equal(new WatchedEvent(EventType.NodeCreated, KeeperState.SyncConnected, Root), e);
        // sync makes the ordering visible across clients: the event arrived before the sync reply.
        var existing = await zk.ExistsWatchAsync(Root);
        Assert.NotNull(existing.Value);
        await other.SetDataAsync(Root, Bytes("x"));
        await zk.SyncAsync(Root);
        Assert.True(existing.Changed.IsCompletedSuccessfully);
        Assert.Equal(EventType.NodeDataChanged, existing.Changed.Result.Type);
    }

    [Fact]
    public async Task Children_watch_fires_NodeChildrenChanged_then_NodeDeleted()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes(""));
        var watched = await zk.GetChildrenWatchAsync(Root);
        Assert.Empty(watched.Value.Children);
        await zk.CreateAsync(Root + "/a", Bytes(""));
        Assert.Equal(new WatchedEvent(EventType.NodeChildrenChanged, KeeperState.SyncConnected, Root), watched.Changed.Result);

        var second = await zk.GetChildrenWatchAsync(Root);
        Assert.Equal(["a"], second.Value.Children);
        await zk.DeleteRecursiveAsync(Root);
        Assert.True(second.Changed.IsCompleted);
        Assert.Equal(EventType.NodeChildrenChanged, second.Changed.Result.Type);
    }

    [Fact]
    public async Task Watch_on_missing_node_getData_fails_and_its_task_fails_too()
    {
        await using var zk = await ConnectAsync();
        await Assert.ThrowsAsync<NoNodeException>(() => zk.GetDataWatchAsync(Root));
    }

    [Fact]
    public async Task Persistent_recursive_watch_streams_every_descendant_event_in_order()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes(""));
        await using var watch = await zk.AddWatchAsync(Root, AddWatchMode.PersistentRecursive);
        await zk.CreateAsync(Root + "/a", Bytes(""));
        await zk.CreateAsync(Root + "/a/b", Bytes(""));
        await zk.SetDataAsync(Root + "/a/b", Bytes("x"));
        await zk.DeleteAsync(Root + "/a/b");

        var expected = new[]
        {
            new WatchedEvent(EventType.NodeCreated, KeeperState.SyncConnected, Root + "/a"),
            new WatchedEvent(EventType.NodeCreated, KeeperState.SyncConnected, Root + "/a/b"),
            new WatchedEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, Root + "/a/b"),
            new WatchedEvent(EventType.NodeDeleted, KeeperState.SyncConnected, Root + "/a/b"),
        };
        // Every event was delivered before the reply of the write that caused it.
        var got = new List<WatchedEvent>();
        while (watch.TryGetNext(out var e)) got.Add(e!);
        Assert.Equal(expected, got);
    }

    [Fact]
    public async Task Persistent_watch_survives_firing_and_sees_children_changes()
    {
        await using var zk = await ConnectAsync();
        var watch = await zk.AddWatchAsync(Root, AddWatchMode.Persistent);
        await zk.CreateAsync(Root, Bytes(""));
        await zk.CreateAsync(Root + "/kid", Bytes(""));
        await zk.SetDataAsync(Root, Bytes("1"));
        await zk.SetDataAsync(Root, Bytes("2"));
        var types = new List<EventType>();
        await foreach (var e in watch)
        {
            types.Add(e.Type);
            if (types.Count == 4) break;
        }
        Assert.Equal([EventType.NodeCreated, EventType.NodeChildrenChanged, EventType.NodeDataChanged, EventType.NodeDataChanged], types);
        await watch.DisposeAsync();
        await zk.SetDataAsync(Root, Bytes("3"));
        Assert.False(watch.TryGetNext(out _));
    }

    [Fact]
    public async Task RemoveWatches_completes_the_watch_with_a_removal_event()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes(""));
        var watched = await zk.GetDataWatchAsync(Root);
        await zk.RemoveWatchesAsync(Root, WatcherType.Data);
        Assert.Equal(new WatchedEvent(EventType.DataWatchRemoved, KeeperState.SyncConnected, Root), await watched.Changed.Within());
        await Assert.ThrowsAsync<NoWatcherException>(() => zk.RemoveWatchesAsync(Root, WatcherType.Data));
    }

    [Fact]
    public async Task Connection_state_stream_reports_connected_disconnected_and_closed_once()
    {
        var zk = await ConnectAsync();
        var states = zk.WatchConnectionStateAsync().GetAsyncEnumerator();
        zk.SimulateConnectionLoss();
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Disconnected, states.Current);
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Connected, states.Current);
        await zk.DisposeAsync();
        Assert.True(await states.MoveNextAsync().AsTask().Within());
        Assert.Equal(ConnectionState.Closed, states.Current);
        Assert.False(await states.MoveNextAsync().AsTask().Within());
        await Assert.ThrowsAsync<ClientClosedException>(() => zk.GetDataAsync("/"));
    }
}
