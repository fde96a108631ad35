using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

public class WatchTests
{
    private static void AssertEvent(ReplyFrame f, EventType type, string path, long zxid)
    {
        Assert.True(f.IsNotification, $"expected a notification, got xid {f.Header.Xid}");
        Assert.Equal(new ReplyHeader(-1, zxid, ErrorCode.Ok), f.Header);
        Assert.Equal(new WatcherEvent(type, KeeperState.SyncConnected, path), f.Event);
    }

    [Fact]
    public void Own_write_notification_precedes_its_reply()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/w");
        c.GetData("/w", watch: true);
        int xid = c.Send(OpCode.SetData, new SetDataRequest("/w", [1], -1));
        AssertEvent(c.Next(), EventType.NodeDataChanged, "/w", 3);
        var reply = c.Next();
        Assert.Equal(new ReplyHeader(xid, 3, ErrorCode.Ok), reply.Header);
        c.ExpectNoMoreFrames();
    }

    [Fact]
    public void Exists_watch_is_set_on_a_missing_node_and_fires_on_create_with_the_parents_child_watch()
    {
        var h = new Harness();
        var watcher = h.Connect();
        var writer = h.Connect();
        watcher.CallExpect(ErrorCode.NoNode, OpCode.Exists, new ExistsRequest("/n", true));
        watcher.GetChildren2("/", watch: true);
        writer.Create("/n");
        AssertEvent(watcher.Next(), EventType.NodeCreated, "/n", 3);
        AssertEvent(watcher.Next(), EventType.NodeChildrenChanged, "/", 3);
        watcher.ExpectNoMoreFrames();
        writer.Delete("/n");
        watcher.ExpectNoMoreFrames(); // standard watches were consumed
    }

    [Fact]
    public void GetData_on_a_missing_node_sets_no_watch()
    {
        var h = new Harness();
        var c = h.Connect();
        c.CallExpect(ErrorCode.NoNode, OpCode.GetData, new GetDataRequest("/none", true));
        c.CallExpect(ErrorCode.NoNode, OpCode.GetChildren, new GetChildrenRequest("/none", true));
        Assert.Equal(0, h.Core.Watches.WatchCount);
    }

    [Fact]
    public void Delete_sends_a_single_event_to_a_connection_with_data_exist_and_child_watches()
    {
        var h = new Harness();
        var watcher = h.Connect();
        var writer = h.Connect();
        writer.Create("/d");
        watcher.GetData("/d", watch: true);
        watcher.Exists("/d", watch: true);
        watcher.GetChildren2("/d", watch: true);
        writer.Delete("/d");
        AssertEvent(watcher.Next(), EventType.NodeDeleted, "/d", 4);
        watcher.ExpectNoMoreFrames();
        Assert.Equal(0, h.Core.Watches.WatchCount);
    }

    [Fact]
    public void Persistent_recursive_watch_via_addWatch()
    {
        var h = new Harness();
        var watcher = h.Connect();
        var writer = h.Connect();
        var f = watcher.CallExpect(ErrorCode.Ok, OpCode.AddWatch, new AddWatchRequest("/r", AddWatchMode.PersistentRecursive));
        Assert.Equal([0, 0, 0, 0], f.Body);
        writer.Create("/r");
        writer.Create("/r/a");
        writer.SetData("/r/a", [1]);
        writer.Delete("/r/a");
        AssertEvent(watcher.Next(), EventType.NodeCreated, "/r", 3);
        AssertEvent(watcher.Next(), EventType.NodeCreated, "/r/a", 4);
        AssertEvent(watcher.Next(), EventType.NodeDataChanged, "/r/a", 5);
        AssertEvent(watcher.Next(), EventType.NodeDeleted, "/r/a", 6);
        watcher.ExpectNoMoreFrames();
        watcher.CallExpect(ErrorCode.Ok, OpCode.CheckWatches, new CheckWatchesRequest("/r", WatcherType.PersistentRecursive));
        watcher.CallExpect(ErrorCode.NoWatcher, OpCode.CheckWatches, new CheckWatchesRequest("/r", WatcherType.Persistent));
        watcher.CallExpect(ErrorCode.Ok, OpCode.RemoveWatches, new RemoveWatchesRequest("/r", WatcherType.Any));
        watcher.CallExpect(ErrorCode.NoWatcher, OpCode.RemoveWatches, new RemoveWatchesRequest("/r", WatcherType.Any));
        watcher.CallExpect(ErrorCode.MarshallingError, OpCode.CheckWatches, new CheckWatchesRequest("/r", (WatcherType)9));
    }

    [Fact]
    public void Persistent_watch_gets_children_changed_and_survives_delete_and_recreate()
    {
        var h = new Harness();
        var watcher = h.Connect();
        var writer = h.Connect();
        watcher.CallExpect(ErrorCode.Ok, OpCode.AddWatch, new AddWatchRequest("/p", AddWatchMode.Persistent));
        writer.Create("/p");
        writer.Create("/p/c");
        writer.Create("/p/c/g");
        writer.Delete("/p/c/g");
        writer.Delete("/p/c");
        writer.Delete("/p");
        writer.Create("/p");
        AssertEvent(watcher.Next(), EventType.NodeCreated, "/p", 3);
        AssertEvent(watcher.Next(), EventType.NodeChildrenChanged, "/p", 4);
        AssertEvent(watcher.Next(), EventType.NodeChildrenChanged, "/p", 7);
        AssertEvent(watcher.Next(), EventType.NodeDeleted, "/p", 8);
        AssertEvent(watcher.Next(), EventType.NodeCreated, "/p", 9);
        watcher.ExpectNoMoreFrames();
    }

    [Fact]
    public void Events_are_not_sent_to_connections_without_read_permission()
    {
        var h = new Harness();
        var watcher = h.Connect();
        var writer = h.Connect();
        writer.Send(OpCode.Auth, new AuthPacket(0, "digest", "bob:secret"u8.ToArray()), Xids.Auth);
        writer.Next();
        watcher.CallExpect(ErrorCode.Ok, OpCode.AddWatch, new AddWatchRequest("/", AddWatchMode.PersistentRecursive));
        writer.Create("/secret", null, acl: Acl.CreatorAllAcl);
        writer.Create("/public");
        AssertEvent(watcher.Next(), EventType.NodeCreated, "/public", 4);
        watcher.ExpectNoMoreFrames();
    }

    [Fact]
    public void Sync_after_another_clients_create_comes_after_its_notifications()
    {
        var committer = new DeferredCommitter();
        var h = new Harness(committer: committer);
        var watcher = new TestClient(h.Core);
        watcher.SendRaw(TestClient.EncodeRecord(new ConnectRequest(0, 0, 30000, 0, new byte[16])));
        var writer = new TestClient(h.Core);
        writer.SendRaw(TestClient.EncodeRecord(new ConnectRequest(0, 0, 30000, 0, new byte[16])));
        h.Core.OnCommitted(2);
        watcher.Sink.Frames.Clear();
        writer.Sink.Frames.Clear();

        watcher.Send(OpCode.Exists, new ExistsRequest("/n", true));
        watcher.Next();
        writer.Send(OpCode.Create, new CreateRequest("/n", null, Acl.OpenAclUnsafe, CreateMode.Persistent));
        int syncXid = watcher.Send(OpCode.Sync, new SyncRequest("/n"));
        watcher.ExpectNoMoreFrames(); // the sync waits for the pending create
        h.Core.OnCommitted(3);
        AssertEvent(watcher.Next(), EventType.NodeCreated, "/n", 3);
        var sync = watcher.Next();
        Assert.Equal(new ReplyHeader(syncXid, 3, ErrorCode.Ok), sync.Header);
        Assert.Equal("/n", sync.Decode(SyncResponse.Read).Path);
    }

    [Fact]
    public void SetWatches_catch_up_table()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/w"); // zxid 2
        c.Create("/w/c"); // zxid 3: /w pzxid 3
        c.SetData("/w", [1]); // zxid 4: /w mzxid 4
        c.Create("/quiet"); // zxid 5
        int xid = c.Send(OpCode.SetWatches, new SetWatches(0, ["/w", "/zzz"], ["/w", "/zzz"], ["/w", "/zzz"]), xid: Xids.SetWatches);
        AssertEvent(c.Next(), EventType.NodeDataChanged, "/w", -1);
        AssertEvent(c.Next(), EventType.NodeDeleted, "/zzz", -1);
        AssertEvent(c.Next(), EventType.NodeCreated, "/w", -1);
        AssertEvent(c.Next(), EventType.NodeChildrenChanged, "/w", -1);
        AssertEvent(c.Next(), EventType.NodeDeleted, "/zzz", -1);
        Assert.Equal(new ReplyHeader(xid, 5, ErrorCode.Ok), c.Next().Header);
        Assert.Equal(1, h.Core.Watches.WatchCount); // only the exist watch on /zzz was registered

        // Nothing changed since zxid 5: everything registers silently.
        c.Call(OpCode.SetWatches, new SetWatches(5, ["/quiet"], [], ["/quiet"]));
        c.ExpectNoMoreFrames();
        Assert.Equal(3, h.Core.Watches.WatchCount);
        int setXid = c.Send(OpCode.SetData, new SetDataRequest("/quiet", [1], -1));
        AssertEvent(c.Next(), EventType.NodeDataChanged, "/quiet", 6); // live events carry the txn zxid
        Assert.Equal(new ReplyHeader(setXid, 6, ErrorCode.Ok), c.Next().Header);
    }

    [Fact]
    public void SetWatches2_registers_persistent_watches_without_catch_up()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/p", [1]);
        c.Call(OpCode.SetWatches2, new SetWatches2(0, [], [], [], ["/p"], ["/r"]));
        c.ExpectNoMoreFrames();
        Assert.True(h.Core.Watches.HasWatch("/p", WatcherType.Persistent, c.Connection));
        Assert.True(h.Core.Watches.HasWatch("/r", WatcherType.PersistentRecursive, c.Connection));
    }

    [Fact]
    public void Watches_belong_to_the_connection_and_go_with_it()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/x");
        c.GetData("/x", watch: true);
        Assert.Equal(1, h.Core.Watches.WatchCount);
        c.Connection.Disconnected();
        Assert.Equal(0, h.Core.Watches.WatchCount);
        Assert.Equal(1, h.Core.Sessions.Count); // the session outlives the connection
    }
}
