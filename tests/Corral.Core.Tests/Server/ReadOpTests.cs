using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

public class ReadOpTests
{
    [Fact]
    public void Ping_reply_carries_the_last_zxid()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/a");
        c.Send(OpCode.Ping, null, Xids.Ping);
        var f = c.Next();
        Assert.Equal(new ReplyHeader(Xids.Ping, 2, ErrorCode.Ok), f.Header);
        Assert.Empty(f.Body);
    }

    [Fact]
    public void Exists_reply_layout_on_a_fresh_server()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Send(OpCode.Exists, new ExistsRequest("/", false), xid: 1);
        var f = c.Next();
        Assert.Equal(68, f.Body.Length);
        Assert.Equal(new ReplyHeader(1, 1, ErrorCode.Ok), f.Header);
        c.CallExpect(ErrorCode.BadArguments, OpCode.Exists, new ExistsRequest("/a\0", false));
        c.CallExpect(ErrorCode.NoNode, OpCode.Exists, new ExistsRequest("/a/", false));
    }

    [Fact]
    public void Null_and_empty_data_are_returned_as_stored()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/null", null);
        c.Create("/empty", []);
        var nullFrame = c.CallExpect(ErrorCode.Ok, OpCode.GetData, new GetDataRequest("/null", false));
        Assert.Equal([0xFF, 0xFF, 0xFF, 0xFF], nullFrame.Body[..4]);
        Assert.Null(nullFrame.Decode(GetDataResponse.Read).Data);
        var empty = c.GetData("/empty").Data;
        Assert.NotNull(empty);
        Assert.Empty(empty);
    }

    [Fact]
    public void GetChildren_and_counts()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/p");
        c.Create("/p/a");
        c.Create("/p/b");
        c.Create("/p/b/x");
        var kids = c.CallExpect(ErrorCode.Ok, OpCode.GetChildren, new GetChildrenRequest("/p", false)).Decode(GetChildrenResponse.Read);
        Assert.Equal(["a", "b"], kids.Children!.Order());
        var two = c.GetChildren2("/p");
        Assert.Equal(2, two.Stat.NumChildren);
        Assert.Equal(3, c.CallExpect(ErrorCode.Ok, OpCode.GetAllChildrenNumber, new GetAllChildrenNumberRequest("/p")).Decode(GetAllChildrenNumberResponse.Read).TotalNumber);
        Assert.Equal(7, c.CallExpect(ErrorCode.Ok, OpCode.GetAllChildrenNumber, new GetAllChildrenNumberRequest("/")).Decode(GetAllChildrenNumberResponse.Read).TotalNumber);
        c.CallExpect(ErrorCode.NoNode, OpCode.GetAllChildrenNumber, new GetAllChildrenNumberRequest("/nope"));
        c.CallExpect(ErrorCode.NoNode, OpCode.GetChildren2, new GetChildren2Request("bad//path", false));
    }

    [Fact]
    public void GetAcl_masks_digests_for_readers_without_admin()
    {
        var h = new Harness();
        var c = h.Connect();
        IReadOnlyList<Acl> acl = [new Acl(Perms.All, new Id("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")), new Acl(Perms.Read, Id.Anyone)];
        c.Create("/a", null, acl: acl);
        var r = c.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/a")).Decode(GetACLResponse.Read);
        Assert.Equal([new Acl(Perms.All, new Id("digest", "bob:x")), new Acl(Perms.Read, Id.Anyone)], r.Acl);
        Assert.Equal(0, r.Stat.Aversion);
        c.Send(OpCode.Auth, new AuthPacket(0, "digest", "bob:secret"u8.ToArray()), Xids.Auth);
        c.Next();
        r = c.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/a")).Decode(GetACLResponse.Read);
        Assert.Equal(acl, r.Acl);
        c.CallExpect(ErrorCode.NoNode, OpCode.GetAcl, new GetACLRequest("/none"));
        var cfg = c.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/zookeeper/config")).Decode(GetACLResponse.Read);
        Assert.Equal(Acl.ReadAclUnsafe, cfg.Acl);
        Assert.Equal(-1, cfg.Stat.Aversion);
    }

    [Fact]
    public void WhoAmI_lists_authenticated_identities_then_the_ip()
    {
        var h = new Harness();
        var c = h.Connect(remote: "10.0.0.7:51234");
        var before = c.CallExpect(ErrorCode.Ok, OpCode.WhoAmI).Decode(WhoAmIResponse.Read);
        Assert.Equal([new ClientInfo("ip", "10.0.0.7")], before.ClientInfo);
        c.Send(OpCode.Auth, new AuthPacket(0, "digest", "bob:secret"u8.ToArray()), Xids.Auth);
        c.Next();
        var after = c.CallExpect(ErrorCode.Ok, OpCode.WhoAmI).Decode(WhoAmIResponse.Read);
        Assert.Equal([new ClientInfo("digest", "bob"), new ClientInfo("ip", "10.0.0.7")], after.ClientInfo);
    }

    [Fact]
    public void Unknown_auth_scheme_fails_and_closes()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Send(OpCode.Auth, new AuthPacket(0, "kerberos", [1]), Xids.Auth);
        Assert.Equal(new ReplyHeader(Xids.Auth, 0, ErrorCode.AuthFailed), c.Next().Header);
        Assert.True(c.Closed);
    }

    [Fact]
    public void Ip_acls_use_the_connections_address()
    {
        var h = new Harness();
        var owner = h.Connect(remote: "10.1.2.3");
        owner.Create("/lan", [1], acl: [new Acl(Perms.All, new Id("ip", "10.1.0.0/16"))]);
        Assert.Equal([1], owner.GetData("/lan").Data);
        var outsider = h.Connect(remote: "192.168.0.9");
        outsider.CallExpect(ErrorCode.NoAuth, OpCode.GetData, new GetDataRequest("/lan", false));
        outsider.CallExpect(ErrorCode.NoAuth, OpCode.Exists, new ExistsRequest("/lan", true));
        Assert.Equal(0, h.Core.Watches.WatchCount);
    }

    [Fact]
    public void GetEphemerals_returns_only_the_callers_by_prefix()
    {
        var h = new Harness();
        var a = h.Connect();
        var b = h.Connect();
        a.Create("/app");
        a.Create("/app/a1", null, CreateMode.Ephemeral);
        a.Create("/other", null, CreateMode.Ephemeral);
        b.Create("/app/b1", null, CreateMode.Ephemeral);
        GetEphemeralsResponse Get(TestClient c, string? prefix) =>
            c.CallExpect(ErrorCode.Ok, OpCode.GetEphemerals, new GetEphemeralsRequest(prefix)).Decode(GetEphemeralsResponse.Read);
        Assert.Equal(["/app/a1", "/other"], Get(a, null).Ephemerals);
        Assert.Equal(["/app/a1", "/other"], Get(a, "/").Ephemerals);
        Assert.Equal(["/app/a1"], Get(a, "/app").Ephemerals);
        Assert.Equal(["/app/b1"], Get(b, "/ap").Ephemerals);
    }

    [Fact]
    public void A_response_too_big_for_a_frame_becomes_an_error_reply()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/big", new byte[600_000]);
        c.Create("/big2", new byte[600_000]);
        var multi = c.CallExpect(ErrorCode.MarshallingError, OpCode.MultiRead, new MultiRequest(
            [MultiOp.GetData(new GetDataRequest("/big", false)), MultiOp.GetData(new GetDataRequest("/big2", false))]));
        Assert.Empty(multi.Body);
        Assert.False(c.Closed);
    }
}
