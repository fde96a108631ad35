using System.Text;
using Corral.Protocol;
using static Corral.Protocol.Tests.Codec;

namespace Corral.Protocol.Tests;

/// <summary>Every record: write then read gives an equal value, and re-encoding gives the same bytes.</summary>
public class RoundTripTests
{
    private static readonly Stat S = SampleStat;
    private static readonly List<Acl> Acls =
    [
        new(Perms.All, Id.Anyone),
        new(Perms.Read | Perms.Admin, new Id("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")),
        new(Perms.Create, new Id("ip", "10.0.0.0/8")),
    ];

    [Fact]
    public void Headers()
    {
        RoundTrip(new RequestHeader(int.MaxValue, OpCode.WhoAmI), RequestHeader.Read);
        RoundTrip(new RequestHeader(Xids.SetWatches, OpCode.SetWatches), RequestHeader.Read);
        RoundTrip(new RequestHeader(5, (OpCode)999), RequestHeader.Read);
        RoundTrip(new ReplyHeader(-4, 0, ErrorCode.AuthFailed), ReplyHeader.Read);
        RoundTrip(new ReplyHeader(9, long.MaxValue, ErrorCode.ThrottledOp), ReplyHeader.Read);
        RoundTrip(new MultiHeader(OpCode.Create2, false, ErrorCode.Ok), MultiHeader.Read);
        RoundTrip(MultiHeader.End, MultiHeader.Read);
        RoundTrip(new ErrorResponse(ErrorCode.NoWatcher), ErrorResponse.Read);
    }

    [Fact]
    public void Connect()
    {
        RoundTrip(new ConnectRequest(0, 0x500000003, 40000, 0x0100000942_2f0000, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), true), ConnectRequest.Read);
        RoundTrip(new ConnectRequest(0, 0, 30000, 0, null, false, ReadOnlyPresent: false), ConnectRequest.Read);
        RoundTrip(new ConnectRequest(0, 0, 30000, 0, [], false), ConnectRequest.Read);
        RoundTrip(new ConnectResponse(0, 4000, 77, new byte[16], true), ConnectResponse.Read);
        RoundTrip(new ConnectResponse(0, 4000, 77, null, false, ReadOnlyPresent: false), ConnectResponse.Read);
    }

    [Fact]
    public void AuthAndIdentity()
    {
        RoundTrip(new AuthPacket(0, "digest", "bob:secret"u8.ToArray()), AuthPacket.Read);
        RoundTrip(new AuthPacket(0, null, null), AuthPacket.Read);
        RoundTrip(new AuthPacket(0, "", []), AuthPacket.Read);
        RoundTrip(new WhoAmIResponse([new ClientInfo("digest", "bob"), new ClientInfo("ip", "127.0.0.1"), new ClientInfo(null, null)]), WhoAmIResponse.Read);
        RoundTrip(new WhoAmIResponse([]), WhoAmIResponse.Read);
        RoundTrip(new WhoAmIResponse((IReadOnlyList<ClientInfo>?)null), WhoAmIResponse.Read);
        RoundTrip(new GetSASLRequest([1, 2, 3]), GetSASLRequest.Read);
        RoundTrip(new GetSASLRequest(null), GetSASLRequest.Read);
        RoundTrip(new SetSASLRequest([]), SetSASLRequest.Read);
        RoundTrip(new SetSASLResponse([9]), SetSASLResponse.Read);
        RoundTrip(new SetSASLResponse(null), SetSASLResponse.Read);
        RoundTrip(new Id("world", "anyone"), Id.Read);
        RoundTrip(Acls[1], Acl.Read);
    }

    [Fact]
    public void Watches()
    {
        RoundTrip(new WatcherEvent(EventType.NodeChildrenChanged, KeeperState.SyncConnected, "/a/b"), WatcherEvent.Read);
        RoundTrip(new WatcherEvent(EventType.None, KeeperState.Expired, null), WatcherEvent.Read);
        RoundTrip(new SetWatches(0x10, ["/a", "/b"], [], ["/c"]), SetWatches.Read);
        RoundTrip(new SetWatches(0, null, null, null), SetWatches.Read);
        RoundTrip(new SetWatches2(0x20, ["/a"], ["/b"], ["/c"], ["/p"], ["/r", "/r2"]), SetWatches2.Read);
        RoundTrip(new SetWatches2(0, [], null, [], null, []), SetWatches2.Read);
        RoundTrip(new AddWatchRequest("/w", AddWatchMode.PersistentRecursive), AddWatchRequest.Read);
        RoundTrip(new CheckWatchesRequest("/w", WatcherType.Any), CheckWatchesRequest.Read);
        RoundTrip(new RemoveWatchesRequest(null, (WatcherType)42), RemoveWatchesRequest.Read);
    }

    [Fact]
    public void Create()
    {
        RoundTrip(new CreateRequest("/n", "hello"u8.ToArray(), Acls, CreateMode.EphemeralSequential), CreateRequest.Read);
        RoundTrip(new CreateRequest("/n", null, null, 0), CreateRequest.Read);
        RoundTrip(new CreateRequest(null, [], [], 99), CreateRequest.Read);
        RoundTrip(new CreateTTLRequest("/t", [0], Acl.OpenAclUnsafe, CreateMode.PersistentWithTtl, 60_000), CreateTTLRequest.Read);
        RoundTrip(new CreateTTLRequest("/t", null, null, 6, long.MaxValue), CreateTTLRequest.Read);
        RoundTrip(new CreateResponse("/n0000000001"), CreateResponse.Read);
        RoundTrip(new CreateResponse(null), CreateResponse.Read);
        RoundTrip(new Create2Response("/n", S), Create2Response.Read);
    }

    [Fact]
    public void DataAndDelete()
    {
        RoundTrip(new DeleteRequest("/d", 3), DeleteRequest.Read);
        RoundTrip(new DeleteContainerRequest("/c"), DeleteContainerRequest.Read);
        RoundTrip(new ExistsRequest("/e", true), ExistsRequest.Read);
        RoundTrip(new ExistsResponse(S), ExistsResponse.Read);
        RoundTrip(new GetDataRequest("/g", true), GetDataRequest.Read);
        RoundTrip(new GetDataResponse("data"u8.ToArray(), S), GetDataResponse.Read);
        RoundTrip(new GetDataResponse(null, S), GetDataResponse.Read);
        RoundTrip(new GetDataResponse([], S), GetDataResponse.Read);
        RoundTrip(new SetDataRequest("/s", new byte[1000], -1), SetDataRequest.Read);
        RoundTrip(new SetDataRequest("/s", null, 0), SetDataRequest.Read);
        RoundTrip(new SetDataResponse(S), SetDataResponse.Read);
        RoundTrip(new CheckVersionRequest("/v", 7), CheckVersionRequest.Read);
        RoundTrip(new SyncRequest("/"), SyncRequest.Read);
        RoundTrip(new SyncResponse(null), SyncResponse.Read);
        RoundTrip(new ReconfigRequest("server.4=h:1:2;3", null, "", 0x100000000), ReconfigRequest.Read);
    }

    [Fact]
    public void AclRecords()
    {
        RoundTrip(new GetACLRequest("/a"), GetACLRequest.Read);
        RoundTrip(new GetACLResponse(Acls, S), GetACLResponse.Read);
        RoundTrip(new GetACLResponse(null, S), GetACLResponse.Read);
        RoundTrip(new SetACLRequest("/a", Acls, 2), SetACLRequest.Read);
        RoundTrip(new SetACLRequest("/a", [], -1), SetACLRequest.Read);
        RoundTrip(new SetACLResponse(S), SetACLResponse.Read);
    }

    [Fact]
    public void Children()
    {
        RoundTrip(new GetChildrenRequest("/p", false), GetChildrenRequest.Read);
        RoundTrip(new GetChildrenResponse(["a", "b", "zookeeper"]), GetChildrenResponse.Read);
        RoundTrip(new GetChildrenResponse([]), GetChildrenResponse.Read);
        RoundTrip(new GetChildrenResponse(null), GetChildrenResponse.Read);
        RoundTrip(new GetChildren2Request("/p", true), GetChildren2Request.Read);
        RoundTrip(new GetChildren2Response(["x"], S), GetChildren2Response.Read);
        RoundTrip(new GetAllChildrenNumberRequest("/"), GetAllChildrenNumberRequest.Read);
        RoundTrip(new GetAllChildrenNumberResponse(3), GetAllChildrenNumberResponse.Read);
        RoundTrip(new GetEphemeralsRequest(null), GetEphemeralsRequest.Read);
        RoundTrip(new GetEphemeralsResponse(["/e1", "/a/e2"]), GetEphemeralsResponse.Read);
    }

    [Fact]
    public void UnicodeStringsSurvive()
    {
        var back = RoundTrip(new CreateRequest("/héllo/日本", "ü"u8.ToArray(), null, 0), CreateRequest.Read);
        Assert.Equal("/héllo/日本", back.Path);
        Assert.Equal(4 + Encoding.UTF8.GetByteCount("/héllo/日本"), Encode(new SyncRequest("/héllo/日本")).Length);
    }

    [Fact]
    public void EqualityComparesContentAndKeepsNullDistinctFromEmpty()
    {
        Assert.Equal(new GetDataResponse([1, 2], S), new GetDataResponse([1, 2], S));
        Assert.Equal(new GetDataResponse([1, 2], S).GetHashCode(), new GetDataResponse([1, 2], S).GetHashCode());
        Assert.NotEqual(new GetDataResponse([], S), new GetDataResponse(null, S));
        Assert.NotEqual(new GetDataResponse([1], S), new GetDataResponse([2], S));
        Assert.NotEqual(new GetChildrenResponse([]), new GetChildrenResponse(null));
        Assert.NotEqual(new CreateRequest("/a", null, [], 0), new CreateRequest("/a", null, null, 0));
        Assert.NotEqual(new SetWatches(1, ["/a"], null, null), new SetWatches(1, ["/b"], null, null));
        Assert.NotEqual(new ConnectRequest(0, 0, 1, 0, null, false, true), new ConnectRequest(0, 0, 1, 0, null, false, false));
        Assert.NotEqual<IJuteRecord>(new SetSASLRequest([1]), new GetSASLRequest([1]));
    }
}
