using Corral.Protocol;
using static Corral.Protocol.Tests.Codec;

namespace Corral.Protocol.Tests;

public class RequestBodiesTests
{
    public static TheoryData<OpCode, IJuteRecord> Bodies => new()
    {
        { OpCode.Create, new CreateRequest("/a", null, Acl.OpenAclUnsafe, 0) },
        { OpCode.Create2, new CreateRequest("/a", [1], Acl.OpenAclUnsafe, 1) },
        { OpCode.CreateContainer, new CreateRequest("/a", [], Acl.OpenAclUnsafe, 4) },
        { OpCode.CreateTtl, new CreateTTLRequest("/a", [], Acl.OpenAclUnsafe, 5, 10) },
        { OpCode.Delete, new DeleteRequest("/a", -1) },
        { OpCode.DeleteContainer, new DeleteContainerRequest("/a") },
        { OpCode.Exists, new ExistsRequest("/a", true) },
        { OpCode.GetData, new GetDataRequest("/a", false) },
        { OpCode.SetData, new SetDataRequest("/a", null, 1) },
        { OpCode.GetAcl, new GetACLRequest("/a") },
        { OpCode.SetAcl, new SetACLRequest("/a", Acl.ReadAclUnsafe, 0) },
        { OpCode.GetChildren, new GetChildrenRequest("/a", true) },
        { OpCode.GetChildren2, new GetChildren2Request("/a", false) },
        { OpCode.Sync, new SyncRequest("/a") },
        { OpCode.Check, new CheckVersionRequest("/a", 2) },
        { OpCode.Multi, new MultiRequest([MultiOp.Delete(new DeleteRequest("/a", 0))]) },
        { OpCode.MultiRead, new MultiRequest([MultiOp.GetData(new GetDataRequest("/a", false))]) },
        { OpCode.Reconfig, new ReconfigRequest(null, "3", null, -1) },
        { OpCode.CheckWatches, new CheckWatchesRequest("/a", WatcherType.Data) },
        { OpCode.RemoveWatches, new RemoveWatchesRequest("/a", WatcherType.Children) },
        { OpCode.Auth, new AuthPacket(0, "digest", "u:p"u8.ToArray()) },
        { OpCode.SetWatches, new SetWatches(1, ["/a"], [], []) },
        { OpCode.SetWatches2, new SetWatches2(1, [], [], [], ["/p"], []) },
        { OpCode.Sasl, new GetSASLRequest([1]) },
        { OpCode.GetEphemerals, new GetEphemeralsRequest("/") },
        { OpCode.GetAllChildrenNumber, new GetAllChildrenNumberRequest("/a") },
        { OpCode.AddWatch, new AddWatchRequest("/a", AddWatchMode.Persistent) },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void EachOpcodeDecodesItsRecord(OpCode type, IJuteRecord expected)
    {
        var bytes = Encode(expected);
        var r = new JuteReader(bytes);
        Assert.True(RequestBodies.TryRead(type, ref r, out var body));
        Assert.True(r.IsAtEnd);
        Assert.Equal(expected, body);
    }

    [Theory]
    [InlineData(OpCode.Ping)]
    [InlineData(OpCode.CloseSession)]
    [InlineData(OpCode.WhoAmI)]
    public void HeaderOnlyOpsHaveNoBody(OpCode type)
    {
        var r = new JuteReader([]);
        Assert.True(RequestBodies.TryRead(type, ref r, out var body));
        Assert.Null(body);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(23)]
    [InlineData(-10)]
    [InlineData(-1)]
    [InlineData(108)]
    public void UnknownOpcodesAreReported(int type)
    {
        var r = new JuteReader([0, 0, 0, 0]);
        Assert.False(RequestBodies.TryRead((OpCode)type, ref r, out var body));
        Assert.Null(body);
        Assert.Equal(0, r.Position);
    }

    [Fact]
    public void MalformedBodyThrows()
    {
        Assert.Throws<JuteException>(() =>
        {
            var r = new JuteReader([0, 0, 0, 9, 0x2f]);
            RequestBodies.TryRead(OpCode.GetData, ref r, out _);
        });
    }
}
