using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

public class SessionTests
{
    [Fact]
    public void Expiry_deletes_ephemerals_in_one_zxid_fires_watches_and_closes_silently()
    {
        var h = new Harness(new CoreOptions { TickTimeMs = 2000 });
        var doomed = h.Connect(timeout: 4000);
        var observer = h.Connect(timeout: 40000);
        doomed.Create("/e1", null, CreateMode.Ephemeral);
        doomed.Create("/e2", null, CreateMode.Ephemeral);
        observer.Exists("/e1", watch: true);
        observer.GetChildren2("/", watch: true);
        int framesBefore = doomed.Sink.Frames.Count;
        long expiresAt = h.Core.Sessions.ExpiryOf(doomed.SessionId);
        Assert.Equal(0, expiresAt % 2000);

        h.Time.AdvanceMs(expiresAt - h.Time.NowMs - 1);
        observer.Call(OpCode.Ping); // keeps the observer alive
        h.Core.Tick();
        Assert.False(doomed.Closed);

        h.Time.AdvanceMs(1);
        h.Core.Tick();
        Assert.True(doomed.Closed);
        Assert.Equal(framesBefore, doomed.Sink.Frames.Count);
        var first = observer.Next();
        var second = observer.Next();
        Assert.Equal(new WatcherEvent(EventType.NodeDeleted, KeeperState.SyncConnected, "/e1"), first.Event);
        Assert.Equal(new WatcherEvent(EventType.NodeChildrenChanged, KeeperState.SyncConnected, "/"), second.Event);
        Assert.Equal(first.Header.Zxid, second.Header.Zxid);
        observer.ExpectNoMoreFrames();
        var root = observer.Exists("/");
        Assert.Equal(first.Header.Zxid, root.Pzxid);
        Assert.Equal(1, root.NumChildren);
        Assert.Equal(first.Header.Zxid, h.Core.LastProcessedZxid);

        var again = new TestClient(h.Core);
        Assert.Equal(0, again.Handshake(sessionId: doomed.SessionId, password: doomed.Password)!.TimeOut);
        Assert.True(again.Closed);
    }

    [Fact]
    public void Any_frame_keeps_the_session_alive()
    {
        var h = new Harness(new CoreOptions { TickTimeMs = 1000 });
        var c = h.Connect(timeout: 2000);
        for (int i = 0; i < 10; i++)
        {
            h.Time.AdvanceMs(1500);
            h.Core.Tick();
            c.Exists("/");
        }
        Assert.False(c.Closed);
        h.Time.AdvanceMs(3000);
        h.Core.Tick();
        Assert.True(c.Closed);
    }

    [Fact]
    public void Session_survives_a_dropped_connection_until_its_deadline_and_keeps_ephemerals_on_reconnect()
    {
        var h = new Harness();
        var c = h.Connect(timeout: 10000);
        c.Create("/mine", null, CreateMode.Ephemeral);
        c.Connection.Disconnected();
        h.Time.AdvanceMs(5000);
        h.Core.Tick();
        var back = new TestClient(h.Core);
        var r = back.Handshake(timeout: 10000, sessionId: c.SessionId, password: c.Password, lastZxid: 2)!;
        Assert.Equal(c.SessionId, r.SessionId);
        Assert.Equal(c.SessionId, back.Exists("/mine").EphemeralOwner);
        var eph = back.CallExpect(ErrorCode.Ok, OpCode.GetEphemerals, new GetEphemeralsRequest("/")).Decode(GetEphemeralsResponse.Read);
        Assert.Equal(["/mine"], eph.Ephemerals);
    }

    [Fact]
    public void CloseSession_replies_then_closes_and_the_session_is_gone()
    {
        var h = new Harness();
        var watcher = h.Connect();
        var c = h.Connect();
        c.Create("/e", null, CreateMode.Ephemeral); // zxid 3
        watcher.Exists("/e", watch: true);
        var reply = c.Call(OpCode.CloseSession);
        Assert.Equal(new ReplyHeader(reply.Header.Xid, 4, ErrorCode.Ok), reply.Header);
        Assert.Empty(reply.Body);
        Assert.True(c.Closed);
        Assert.Equal(new WatcherEvent(EventType.NodeDeleted, KeeperState.SyncConnected, "/e"), watcher.Next().Event);
        Assert.False(h.Core.Tree.Sessions.ContainsKey(c.SessionId));
        Assert.False(h.Core.Sessions.Contains(c.SessionId));
        var again = new TestClient(h.Core);
        Assert.Equal(0, again.Handshake(sessionId: c.SessionId, password: c.Password)!.TimeOut);
    }

    [Fact]
    public void CloseSession_includes_ephemerals_that_are_still_pending()
    {
        var committer = new DeferredCommitter();
        var h = new Harness(committer: committer);
        var c = new TestClient(h.Core);
        c.SendRaw(TestClient.EncodeRecord(new ConnectRequest(0, 0, 30000, 0, new byte[16])));
        c.Send(OpCode.Create, new CreateRequest("/p", null, Acl.OpenAclUnsafe, CreateMode.Ephemeral));
        c.Send(OpCode.CloseSession);
        h.Core.OnCommitted(committer.Proposed.Last().Zxid);
        Assert.Null(h.Core.Tree.Find("/p"));
        Assert.Equal(3, c.Sink.Frames.Count); // connect response, create reply, close reply
        Assert.True(c.Closed);
    }

    [Fact]
    public void Requests_behind_a_closeSession_are_dropped_with_the_connection()
    {
        var committer = new DeferredCommitter();
        var h = new Harness(committer: committer);
        var c = new TestClient(h.Core);
        c.SendRaw(TestClient.EncodeRecord(new ConnectRequest(0, 0, 30000, 0, new byte[16])));
        h.Core.OnCommitted(1);
        c.Sink.Frames.Clear();
        int closeXid = c.Send(OpCode.CloseSession);
        c.Send(OpCode.Exists, new ExistsRequest("/", false));
        Assert.Equal(2, c.Connection.OutstandingRequests);
        h.Core.OnCommitted(2);
        // the close reply comes first and closes the connection; nothing after it is sent
        Assert.Equal(closeXid, c.Next().Header.Xid);
        c.ExpectNoMoreFrames();
        Assert.Equal(0, c.Sink.SendsAfterClose);
    }
}
