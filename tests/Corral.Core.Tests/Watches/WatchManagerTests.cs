using Corral.Core.Tree;
using Corral.Core.Watches;
using Corral.Protocol;

namespace Corral.Core.Tests.Watches;

public class WatchManagerTests
{
    private sealed class FakeWatcher(string name, bool canRead = true) : IWatcher
    {
        public List<string> Events { get; } = [];
        public long SessionId => name.GetHashCode();
        public bool CanRead(IReadOnlyList<Acl> acl) => canRead;
        public void Notify(EventType type, string path, long zxid) => Events.Add($"{type} {path} {zxid}");
    }

    private static WatchTrigger T(string path, EventType type) => new(path, type, Acl.OpenAclUnsafe);

    [Fact]
    public void Standard_watches_fire_once()
    {
        var m = new WatchManager();
        var w = new FakeWatcher("a");
        m.AddDataWatch("/x", w);
        m.Trigger(T("/x", EventType.NodeDataChanged), 5);
        m.Trigger(T("/x", EventType.NodeDataChanged), 6);
        Assert.Equal(["NodeDataChanged /x 5"], w.Events);
        Assert.Equal(0, m.WatchCount);
    }

    [Fact]
    public void Delete_sends_one_event_per_watcher_and_consumes_both_tables()
    {
        var m = new WatchManager();
        var w = new FakeWatcher("a");
        var other = new FakeWatcher("b");
        m.AddDataWatch("/x", w);
        m.AddChildWatch("/x", w);
        m.AddChildWatch("/x", other);
        m.AddChildWatch("/", w);
        m.Trigger(T("/x", EventType.NodeDeleted), 9);
        m.Trigger(T("/", EventType.NodeChildrenChanged), 9);
        Assert.Equal(["NodeDeleted /x 9", "NodeChildrenChanged / 9"], w.Events);
        Assert.Equal(["NodeDeleted /x 9"], other.Events);
        Assert.Equal(0, m.WatchCount);
    }

    [Fact]
    public void Persistent_watch_sees_its_node_and_children_changes_and_survives()
    {
        var m = new WatchManager();
        var w = new FakeWatcher("a");
        m.AddPersistentWatch("/p", w);
        m.Trigger(T("/p", EventType.NodeCreated), 1);
        m.Trigger(T("/p", EventType.NodeChildrenChanged), 2);
        m.Trigger(T("/p/c", EventType.NodeCreated), 2);
        m.Trigger(T("/p", EventType.NodeDataChanged), 3);
        m.Trigger(T("/p", EventType.NodeDeleted), 4);
        m.Trigger(T("/p", EventType.NodeCreated), 5);
        Assert.Equal(["NodeCreated /p 1", "NodeChildrenChanged /p 2", "NodeDataChanged /p 3", "NodeDeleted /p 4", "NodeCreated /p 5"], w.Events);
        Assert.Equal(2, m.WatchCount);
    }

    [Fact]
    public void Recursive_watch_sees_descendants_but_never_children_changed()
    {
        var m = new WatchManager();
        var w = new FakeWatcher("a");
        m.AddPersistentRecursiveWatch("/r", w);
        m.Trigger(T("/r/a/b", EventType.NodeCreated), 1);
        m.Trigger(T("/r/a", EventType.NodeChildrenChanged), 1);
        m.Trigger(T("/r", EventType.NodeDataChanged), 2);
        m.Trigger(T("/r/a/b", EventType.NodeDeleted), 3);
        m.Trigger(T("/other", EventType.NodeCreated), 4);
        m.Trigger(T("/rx", EventType.NodeCreated), 4);
        Assert.Equal(["NodeCreated /r/a/b 1", "NodeDataChanged /r 2", "NodeDeleted /r/a/b 3"], w.Events);
    }

    [Fact]
    public void A_watcher_with_several_matching_watches_gets_one_event_and_keeps_persistent_ones()
    {
        var m = new WatchManager();
        var w = new FakeWatcher("a");
        m.AddDataWatch("/r/x", w);
        m.AddPersistentRecursiveWatch("/r", w);
        m.AddPersistentRecursiveWatch("/", w);
        m.Trigger(T("/r/x", EventType.NodeDataChanged), 7);
        Assert.Equal(["NodeDataChanged /r/x 7"], w.Events);
        Assert.Equal(WatchModes.None, m.DataModes("/r/x", w));
        Assert.Equal(WatchModes.PersistentRecursive, m.DataModes("/r", w));
    }

    [Fact]
    public void Events_are_filtered_by_read_permission_but_the_watch_is_consumed()
    {
        var m = new WatchManager();
        var blind = new FakeWatcher("blind", canRead: false);
        m.AddDataWatch("/s", blind);
        m.Trigger(T("/s", EventType.NodeDataChanged), 1);
        Assert.Empty(blind.Events);
        Assert.Equal(0, m.WatchCount);
    }

    [Fact]
    public void Check_and_remove_follow_39_mode_matching()
    {
        var m = new WatchManager();
        var w = new FakeWatcher("a");
        m.AddPersistentWatch("/p", w);
        Assert.False(m.HasWatch("/p", WatcherType.Data, w));
        Assert.False(m.HasWatch("/p", WatcherType.Children, w));
        Assert.True(m.HasWatch("/p", WatcherType.Persistent, w));
        Assert.True(m.HasWatch("/p", WatcherType.Any, w));
        Assert.False(m.RemoveWatch("/p", WatcherType.Data, w));
        Assert.True(m.RemoveWatch("/p", WatcherType.Persistent, w));
        Assert.Equal(0, m.WatchCount);

        m.AddDataWatch("/d", w);
        m.AddChildWatch("/d", w);
        m.AddPersistentRecursiveWatch("/d", w);
        Assert.True(m.RemoveWatch("/d", WatcherType.Children, w));
        Assert.False(m.HasWatch("/d", WatcherType.Children, w));
        Assert.True(m.HasWatch("/d", WatcherType.PersistentRecursive, w));
        Assert.True(m.RemoveWatch("/d", WatcherType.Any, w));
        Assert.False(m.RemoveWatch("/d", WatcherType.Any, w));
        Assert.Equal(0, m.WatchCount);
    }

    [Fact]
    public void Removing_a_watcher_drops_everything_and_counts_follow()
    {
        var m = new WatchManager();
        var a = new FakeWatcher("a");
        var b = new FakeWatcher("b");
        m.AddDataWatch("/1", a);
        m.AddChildWatch("/1", a);
        m.AddPersistentRecursiveWatch("/2", a);
        m.AddDataWatch("/1", b);
        Assert.Equal(4, m.WatchCount);
        Assert.Equal(2, m.WatchedPathCount);
        Assert.Equal(2, m.WatcherCount);
        Assert.Equal(["/1", "/2"], m.WatchesByWatcher().Single(x => x.Watcher == a).Paths);
        Assert.Equal(2, m.WatchesByPath().Single(x => x.Path == "/1").Watchers.Count);
        m.RemoveWatcher(a);
        Assert.Equal(1, m.WatchCount);
        Assert.Equal(1, m.WatcherCount);
        m.Trigger(T("/2/x", EventType.NodeCreated), 1); // the recursive count went back to zero
        Assert.Empty(a.Events);
    }
}
