using System.Buffers;
using Corral.Core.Server;
using Corral.Protocol;

namespace Corral.Core.Tests.Support;

public delegate T RecordReader<out T>(ref JuteReader r);

/// <summary>One frame received from the core, split into its reply header and body.</summary>
public sealed record ReplyFrame(ReplyHeader Header, byte[] Body)
{
    public T Decode<T>(RecordReader<T> read)
    {
        var r = new JuteReader(Body);
        var value = read(ref r);
        Assert.True(r.IsAtEnd, $"{Body.Length - r.Position} unread bytes after {typeof(T).Name}");
        return value;
    }

    public bool IsNotification => Header.Xid == Xids.Notification;

    public WatcherEvent Event => Decode(WatcherEvent.Read);
}

/// <summary>
/// A client made of byte frames: encodes requests with the Corral.Protocol records, feeds them to a
/// <see cref="CoreConnection"/>, and reads back what the core wrote to the sink, frame by frame.
/// </summary>
public sealed class TestClient
{
    private int _xid;
    private int _read;

    public TestClient(ServerCore core, string remote = "127.0.0.1", string? x509Subject = null)
    {
        Sink = new RecordingSink();
        Connection = core.Open(Sink, remote, x509Subject);
    }

    public RecordingSink Sink { get; }
    public CoreConnection Connection { get; }
    public long SessionId { get; private set; }
    public byte[] Password { get; private set; } = new byte[16];
    public int NegotiatedTimeout { get; private set; }
    public bool Closed => Sink.Closed;

    /// <summary>Frames received and not yet taken.</summary>
    public int Unread => Sink.Frames.Count - _read;

    public void SendRaw(ReadOnlySpan<byte> payload) => Connection.Receive(payload);


    public static byte[] EncodeRecord<T>(T record) where T : IJuteRecord
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new JuteWriter(buffer);
        record.Write(ref w);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeRequest(int xid, OpCode op, IJuteRecord? body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new JuteWriter(buffer);
        new RequestHeader(xid, op).Write(ref w);
        body?.Write(ref w);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Sends a ConnectRequest and returns the raw ConnectResponse payload (null if none came).</summary>
    public ConnectResponse? Handshake(int timeout = 30000, long sessionId = 0, byte[]? password = null, long lastZxid = 0, bool readOnlyPresent = true)
    {
        SendRaw(EncodeRecord(new ConnectRequest(0, lastZxid, timeout, sessionId, password ?? new byte[16], false, readOnlyPresent)));
        if (Unread == 0) return null;
        var payload = Sink.Frames[_read++];
        var r = new JuteReader(payload);
        var response = ConnectResponse.Read(ref r);
        Assert.True(r.IsAtEnd);
        Assert.Equal(readOnlyPresent ? 37 : 36, payload.Length);
        SessionId = response.SessionId;
        Password = response.Passwd!;
        NegotiatedTimeout = response.TimeOut;
        return response;
    }

    public int Send(OpCode op, IJuteRecord? body = null, int? xid = null)
    {
        int x = xid ?? ++_xid;
        SendRaw(EncodeRequest(x, op, body));
        return x;
    }

    /// <summary>The next frame, which must exist.</summary>
    public ReplyFrame Next()
    {
        Assert.True(Unread > 0, "expected another frame from the server");
        var payload = Sink.Frames[_read++];
        var r = new JuteReader(payload);
        var header = ReplyHeader.Read(ref r);
        return new ReplyFrame(header, payload[ReplyHeader.EncodedSize..]);
    }

    /// <summary>Sends a request and returns its reply, which must be the very next frame.</summary>
    public ReplyFrame Call(OpCode op, IJuteRecord? body = null)
    {
        int xid = Send(op, body);
        var frame = Next();
        Assert.Equal(xid, frame.Header.Xid);
        return frame;
    }

    /// <summary>Sends a request, expects a reply with the given error and no body.</summary>
    public ReplyFrame CallExpect(ErrorCode expected, OpCode op, IJuteRecord? body = null)
    {
        var frame = Call(op, body);
        Assert.Equal(expected, frame.Header.Err);
        if (expected != ErrorCode.Ok) Assert.Empty(frame.Body);
        return frame;
    }

    public string Create(string path, byte[]? data = null, CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null)
    {
        var f = CallExpect(ErrorCode.Ok, OpCode.Create, new CreateRequest(path, data, acl ?? Acl.OpenAclUnsafe, mode));
        return f.Decode(CreateResponse.Read).Path!;
    }

    public Create2Response Create2(string path, byte[]? data = null, CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null) =>
        CallExpect(ErrorCode.Ok, OpCode.Create2, new CreateRequest(path, data, acl ?? Acl.OpenAclUnsafe, mode)).Decode(Create2Response.Read);

    public Stat Exists(string path, bool watch = false) =>
        CallExpect(ErrorCode.Ok, OpCode.Exists, new ExistsRequest(path, watch)).Decode(ExistsResponse.Read).Stat;

    public GetDataResponse GetData(string path, bool watch = false) =>
        CallExpect(ErrorCode.Ok, OpCode.GetData, new GetDataRequest(path, watch)).Decode(GetDataResponse.Read);

    public Stat SetData(string path, byte[]? data, int version = -1) =>
        CallExpect(ErrorCode.Ok, OpCode.SetData, new SetDataRequest(path, data, version)).Decode(SetDataResponse.Read).Stat;

    public void Delete(string path, int version = -1) => CallExpect(ErrorCode.Ok, OpCode.Delete, new DeleteRequest(path, version));

    public GetChildren2Response GetChildren2(string path, bool watch = false) =>
        CallExpect(ErrorCode.Ok, OpCode.GetChildren2, new GetChildren2Request(path, watch)).Decode(GetChildren2Response.Read);

    /// <summary>addauth; returns the reply's error code.</summary>
    public ErrorCode AddAuth(string scheme, string auth)
    {
        Send(OpCode.Auth, new AuthPacket(0, scheme, System.Text.Encoding.UTF8.GetBytes(auth)), Xids.Auth);
        var f = Next();
        Assert.Equal(Xids.Auth, f.Header.Xid);
        return f.Header.Err;
    }

    public void ExpectNoMoreFrames() => Assert.Equal(0, Unread);
}
