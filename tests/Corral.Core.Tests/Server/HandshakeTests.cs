using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

public class HandshakeTests
{
    [Fact]
    public void New_session_gets_an_id_a_password_and_a_clamped_timeout()
    {
        var h = new Harness();
        var c = new TestClient(h.Core);
        var r = c.Handshake(timeout: 1)!;
        Assert.Equal(0, r.ProtocolVersion);
        Assert.Equal(4000, r.TimeOut);
        Assert.Equal(1, (int)((ulong)r.SessionId >> 56));
        Assert.Equal(16, r.Passwd!.Length);
        Assert.Contains(r.Passwd, b => b != 0);
        Assert.False(r.ReadOnly);
        Assert.Equal(1, h.Core.LastProcessedZxid); // the CreateSession transaction

        var big = new TestClient(h.Core).Handshake(timeout: 1_000_000_000)!;
        Assert.Equal(40000, big.TimeOut);
        Assert.NotEqual(r.SessionId, big.SessionId);
    }

    [Fact]
    public void ReadOnly_byte_is_echoed_only_if_sent()
    {
        var h = new Harness();
        var c = new TestClient(h.Core);
        var r = c.Handshake(readOnlyPresent: false)!; // TestClient asserts the 36-byte length
        Assert.False(r.ReadOnlyPresent);
    }

    [Fact]
    public void Client_ahead_of_the_server_is_closed_without_a_reply()
    {
        var h = new Harness();
        var c = new TestClient(h.Core);
        Assert.Null(c.Handshake(lastZxid: 5));
        Assert.True(c.Closed);
        Assert.Empty(c.Sink.Frames);
    }

    [Fact]
    public void Reconnect_with_the_password_resumes_the_session_and_closes_the_old_connection()
    {
        var h = new Harness();
        var first = h.Connect();
        first.Create("/e", null, CreateMode.Ephemeral);
        var second = new TestClient(h.Core);
        var r = second.Handshake(timeout: 10000, sessionId: first.SessionId, password: first.Password, lastZxid: h.Core.LastProcessedZxid)!;
        Assert.Equal(first.SessionId, r.SessionId);
        Assert.Equal(first.Password, r.Passwd);
        Assert.Equal(10000, r.TimeOut);
        Assert.True(first.Closed);
        Assert.Equal(first.SessionId, second.Exists("/e").EphemeralOwner);
    }

    [Fact]
    public void Wrong_password_gets_the_invalid_session_response_then_close()
    {
        var h = new Harness();
        var first = h.Connect();
        var bad = (byte[])first.Password.Clone();
        bad[0] ^= 1;
        var c = new TestClient(h.Core);
        var r = c.Handshake(sessionId: first.SessionId, password: bad)!;
        Assert.Equal(new ConnectResponse(0, 0, 0, new byte[16], false, true), r);
        Assert.True(c.Closed);
        Assert.False(first.Closed);
    }

    [Fact]
    public void Unknown_session_gets_the_invalid_session_response()
    {
        var h = new Harness();
        var c = new TestClient(h.Core);
        var r = c.Handshake(sessionId: 0x0100000000000099, password: new byte[16])!;
        Assert.Equal(0, r.TimeOut);
        Assert.Equal(0, r.SessionId);
        Assert.True(c.Closed);
    }

    [Fact]
    public void Malformed_connect_request_closes_the_connection()
    {
        var h = new Harness();
        var c = new TestClient(h.Core);
        c.SendRaw([0, 0, 0]);
        Assert.True(c.Closed);
        Assert.Empty(c.Sink.Frames);
    }

    [Fact]
    public void Requests_pipelined_behind_the_connect_request_are_answered_after_it()
    {
        var committer = new DeferredCommitter();
        var h = new Harness(committer: committer);
        var c = new TestClient(h.Core);
        c.SendRaw(TestClient.EncodeRecord(new ConnectRequest(0, 0, 30000, 0, new byte[16])));
        c.Send(OpCode.Exists, new ExistsRequest("/", false));
        Assert.Empty(c.Sink.Frames);
        h.Core.OnCommitted(committer.Proposed.Single().Zxid);
        Assert.Equal(2, c.Sink.Frames.Count);
        Assert.Equal(37, c.Sink.Frames[0].Length);
        Assert.Equal(84, c.Sink.Frames[1].Length);
    }
}
