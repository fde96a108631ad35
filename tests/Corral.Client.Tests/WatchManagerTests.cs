using Corral.Client.Watches;
using Corral.Protocol;

namespace Corral.Client.Tests;

public sealed class WatchManagerTests
{
    private static readonly ConnectionString NoChroot = ConnectionString.Parse("h:1");

    [Fact]
    public void Snapshot_splits_large_watch_sets_into_batches()
    {
        var watches = new WatchManager();
        for (int i = 0; i < 10; i++) watches.AddOneShot(OneShotKind.Data, $"/data/{i:D4}", new TaskCompletionSource<WatchedEvent>());
        watches.AddOneShot(OneShotKind.Child, "/kids", new TaskCompletionSource<WatchedEvent>());
        var batches = watches.Snapshot(lastZxid: 77, maxBatchChars: 40);
        Assert.True(batches.Count > 1);
        Assert.All(batches, b => Assert.Equal(77, b.RelativeZxid));
        Assert.All(batches, b => Assert.True(b.DataWatches!.Sum(p => p.Length) + b.ChildWatches!.Sum(p => p.Length) <= 40));
        Assert.Equal(10, batches.Sum(b => b.DataWatches!.Count));
        Assert.Equal(["/kids"], batches.SelectMany(b => b.ChildWatches!));
        Assert.Empty(new WatchManager().Snapshot(1));
    }

    [Fact]
    public void Dispatch_follows_zookeeper_rules_for_each_event_type()
    {
        var watches = new WatchManager();
        var data = new TaskCompletionSource<WatchedEvent>();
        var exist = new TaskCompletionSource<WatchedEvent>();
        var child = new TaskCompletionSource<WatchedEvent>();
        watches.AddOneShot(OneShotKind.Data, "/a", data);
        watches.AddOneShot(OneShotKind.Exist, "/a", exist);
        watches.AddOneShot(OneShotKind.Child, "/a", child);

        Assert.Equal(2, watches.Dispatch(new WatcherEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/a"), NoChroot));
        Assert.True(data.Task.IsCompleted && exist.Task.IsCompleted);
        Assert.False(child.Task.IsCompleted);
        Assert.Equal(1, watches.Dispatch(new WatcherEvent(EventType.NodeDeleted, KeeperState.SyncConnected, "/a"), NoChroot));
        Assert.Equal(EventType.NodeDeleted, child.Task.Result.Type);
        // One-shot watches are consumed.
        Assert.Equal(0, watches.Dispatch(new WatcherEvent(EventType.NodeDeleted, KeeperState.SyncConnected, "/a"), NoChroot));
    }

    [Fact]
    public void Recursive_watches_see_descendants_but_never_children_changed()
    {
        var watches = new WatchManager();
        var recursive = new PersistentWatch("/r", "/r", AddWatchMode.PersistentRecursive, _ => ValueTask.CompletedTask);
        watches.AddPersistent(recursive);
        Assert.Equal(1, watches.Dispatch(new WatcherEvent(EventType.NodeCreated, KeeperState.SyncConnected, "/r/x/y"), NoChroot));
        Assert.Equal(0, watches.Dispatch(new WatcherEvent(EventType.NodeChildrenChanged, KeeperState.SyncConnected, "/r"), NoChroot));
        Assert.Equal(0, watches.Dispatch(new WatcherEvent(EventType.NodeCreated, KeeperState.SyncConnected, "/rr"), NoChroot));
        Assert.True(recursive.TryGetNext(out var e));
        Assert.Equal("/r/x/y", e!.Path);
    }
}
