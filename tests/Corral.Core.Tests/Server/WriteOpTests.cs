using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

public class WriteOpTests
{
    private static readonly IReadOnlyList<Acl> Open = Acl.OpenAclUnsafe;

    [Fact]
    public void Fresh_server_stats_match_zookeeper()
    {
        var h = new Harness();
        var c = h.Connect();
        Assert.Equal(new Stat(0, 0, 0, 0, 0, -1, 0, 0, 0, 1, 0), c.Exists("/"));
        Assert.Equal(new Stat(0, 0, 0, 0, 0, -2, 0, 0, 0, 2, 0), c.Exists("/zookeeper"));
        var config = c.GetData("/zookeeper/config");
        Assert.Equal(0, config.Stat.Aversion + 1);
        Assert.NotNull(config.Data);
        Assert.Empty(config.Data);
    }

    [Fact]
    public void Create2_returns_the_stat_and_every_write_gets_its_own_zxid()
    {
        var h = new Harness();
        var c = h.Connect(); // zxid 1
        long t = h.Time.NowMs;
        var r = c.Create2("/a", [1, 2, 3]);
        Assert.Equal("/a", r.Path);
        Assert.Equal(new Stat(2, 2, t, t, 0, 0, 0, 0, 3, 0, 2), r.Stat);
        h.Time.AdvanceMs(5);
        var s = c.SetData("/a", [7], 0);
        Assert.Equal(new Stat(2, 3, t, t + 5, 1, 0, 0, 0, 1, 0, 2), s);
        var frame = c.CallExpect(ErrorCode.Ok, OpCode.SetAcl, new SetACLRequest("/a", Acl.ReadAclUnsafe, 0));
        Assert.Equal(new Stat(2, 3, t, t + 5, 1, 0, 1, 0, 1, 0, 2), frame.Decode(SetACLResponse.Read).Stat);
        Assert.Equal(4, frame.Header.Zxid);
    }

    [Fact]
    public void Cversion_after_two_creates_and_one_delete_is_three()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/p");
        c.Create("/p/a");
        c.Create("/p/b");
        c.Delete("/p/a");
        var st = c.Exists("/p");
        Assert.Equal(3, st.Cversion);
        Assert.Equal(1, st.NumChildren);
        Assert.Equal(5, st.Pzxid);
        Assert.Equal(2, st.Mzxid);
    }

    [Fact]
    public void Sequential_names_use_the_parents_creation_counter()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/t");
        Assert.Equal("/t/s-0000000000", c.Create("/t/s-", mode: CreateMode.PersistentSequential));
        Assert.Equal("/t/s-0000000001", c.Create("/t/s-", mode: CreateMode.EphemeralSequential));
        c.Delete("/t/s-0000000000");
        Assert.Equal("/t/s-0000000002", c.Create("/t/s-", mode: CreateMode.PersistentSequential));
        Assert.Equal("/s-0000000001", c.Create("/s-", mode: CreateMode.PersistentSequential));
        Assert.Equal("/t/0000000003", c.Create("/t/", mode: CreateMode.PersistentSequential));
    }

    [Fact]
    public void Create_errors_come_in_zookeepers_order()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/t");
        c.Create("/eph", null, CreateMode.Ephemeral);
        Expect(c, ErrorCode.BadArguments, new CreateRequest("/x", null, Open, 7));
        Expect(c, ErrorCode.Unimplemented, new CreateRequest("/x", null, Open, (int)CreateMode.PersistentWithTtl));
        Expect(c, ErrorCode.BadArguments, new CreateRequest("x", null, Open, 0));
        Expect(c, ErrorCode.BadArguments, new CreateRequest("/a\0b", null, Open, 0));
        Expect(c, ErrorCode.InvalidAcl, new CreateRequest("/x", null, [], 0));
        Expect(c, ErrorCode.InvalidAcl, new CreateRequest("/x", null, null, 0));
        Expect(c, ErrorCode.InvalidAcl, new CreateRequest("/x", null, [new Acl(Perms.All, new Id("auth", ""))], 0));
        Expect(c, ErrorCode.NoNode, new CreateRequest("/q/a/", null, Open, 0));
        Expect(c, ErrorCode.BadArguments, new CreateRequest("/t/", null, Open, 0));
        Expect(c, ErrorCode.BadArguments, new CreateRequest("/t/.", null, Open, 0));
        Expect(c, ErrorCode.NodeExists, new CreateRequest("/t", null, Open, 0));
        Expect(c, ErrorCode.NodeExists, new CreateRequest("/", null, Open, 0));
        Expect(c, ErrorCode.NoChildrenForEphemerals, new CreateRequest("/eph/c", null, Open, 0));
        c.Create("/locked", null, acl: Acl.ReadAclUnsafe);
        Expect(c, ErrorCode.NoAuth, new CreateRequest("/locked/c", null, Open, 0));
        // NONODE beats NOAUTH only because the parent is checked first
        Expect(c, ErrorCode.NoNode, new CreateRequest("/locked/missing/c", null, Open, 0));
    }

    [Fact]
    public void Failed_writes_consume_a_zxid()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/a"); // 2
        var bad = c.CallExpect(ErrorCode.BadVersion, OpCode.SetData, new SetDataRequest("/a", null, 5));
        Assert.Equal(3, bad.Header.Zxid);
        var ok = c.CallExpect(ErrorCode.Ok, OpCode.SetData, new SetDataRequest("/a", null, 0));
        Assert.Equal(4, ok.Header.Zxid);
    }

    [Fact]
    public void Ttl_creates_follow_the_extended_types_setting()
    {
        var h = new Harness(new CoreOptions { ExtendedTypesEnabled = true });
        var c = h.Connect();
        ExpectTtl(c, ErrorCode.BadArguments, new CreateTTLRequest("/x", null, Open, (int)CreateMode.Persistent, 100));
        ExpectTtl(c, ErrorCode.BadArguments, new CreateTTLRequest("/x", null, Open, (int)CreateMode.PersistentWithTtl, 0));
        ExpectTtl(c, ErrorCode.BadArguments, new CreateTTLRequest("/x", null, Open, (int)CreateMode.PersistentWithTtl, 1L << 40));
        Expect(c, ErrorCode.BadArguments, new CreateRequest("/x", null, Open, (int)CreateMode.PersistentWithTtl));
        var f = c.CallExpect(ErrorCode.Ok, OpCode.CreateTtl, new CreateTTLRequest("/ttl-", [1], Open, (int)CreateMode.PersistentSequentialWithTtl, 5000));
        var r = f.Decode(Create2Response.Read);
        Assert.Equal("/ttl-0000000000", r.Path); // the root has never had a child created: C = 0
        Assert.Equal(0, r.Stat.EphemeralOwner);
        Assert.Equal(["/ttl-0000000000"], h.Core.Tree.TtlNodes);
    }

    [Fact]
    public void CreateContainer_makes_a_container()
    {
        var h = new Harness();
        var c = h.Connect();
        var r = c.CallExpect(ErrorCode.Ok, OpCode.CreateContainer, new CreateRequest("/box", null, Open, CreateMode.Container)).Decode(Create2Response.Read);
        Assert.Equal("/box", r.Path);
        Assert.Equal(0, r.Stat.EphemeralOwner);
        Assert.Equal(["/box"], h.Core.Tree.Containers);
    }

    [Fact]
    public void Delete_errors_come_in_zookeepers_order()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/p");
        c.Create("/p/c");
        c.Create("/locked", null, acl: [new Acl(Perms.Read | Perms.Create, Id.Anyone)]);
        c.Create("/locked/x");
        foreach (var builtIn in new[] { "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config" })
            c.CallExpect(ErrorCode.BadArguments, OpCode.Delete, new DeleteRequest(builtIn, -1));
        c.CallExpect(ErrorCode.BadArguments, OpCode.Delete, new DeleteRequest("nope", -1));
        c.CallExpect(ErrorCode.NoNode, OpCode.Delete, new DeleteRequest("/missing/x", -1));
        c.CallExpect(ErrorCode.NoAuth, OpCode.Delete, new DeleteRequest("/locked/x", -1));
        c.CallExpect(ErrorCode.NoNode, OpCode.Delete, new DeleteRequest("/p/missing", -1));
        c.CallExpect(ErrorCode.BadVersion, OpCode.Delete, new DeleteRequest("/p", 3));
        c.CallExpect(ErrorCode.NotEmpty, OpCode.Delete, new DeleteRequest("/p", 0));
        c.Delete("/p/c", 0);
        c.Delete("/p", 0);
    }

    [Fact]
    public void SetData_and_SetAcl_errors()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/ro", null, acl: Acl.ReadAclUnsafe);
        c.CallExpect(ErrorCode.BadArguments, OpCode.SetData, new SetDataRequest("/bad/", null, -1));
        c.CallExpect(ErrorCode.NoNode, OpCode.SetData, new SetDataRequest("/none", null, -1));
        c.CallExpect(ErrorCode.NoAuth, OpCode.SetData, new SetDataRequest("/ro", null, -1));
        c.CallExpect(ErrorCode.NoAuth, OpCode.SetData, new SetDataRequest("/zookeeper/config", null, -1));
        c.CallExpect(ErrorCode.BadArguments, OpCode.SetAcl, new SetACLRequest("bad", Open, -1));
        c.CallExpect(ErrorCode.InvalidAcl, OpCode.SetAcl, new SetACLRequest("/none", [new Acl(Perms.All, new Id("world", "x"))], -1));
        c.CallExpect(ErrorCode.NoNode, OpCode.SetAcl, new SetACLRequest("/none", Open, -1));
        c.CallExpect(ErrorCode.NoAuth, OpCode.SetAcl, new SetACLRequest("/ro", Open, -1));
        c.Create("/v");
        c.CallExpect(ErrorCode.BadVersion, OpCode.SetAcl, new SetACLRequest("/v", Open, 1));
        c.CallExpect(ErrorCode.Ok, OpCode.SetAcl, new SetACLRequest("/v", Open, 0));
        c.CallExpect(ErrorCode.BadVersion, OpCode.SetData, new SetDataRequest("/v", null, 1));
    }

    [Fact]
    public void Auth_acl_is_expanded_to_the_callers_digest_identity()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Send(OpCode.Auth, new AuthPacket(0, "digest", "bob:secret"u8.ToArray()), Xids.Auth);
        Assert.Equal(new ReplyHeader(Xids.Auth, 0, ErrorCode.Ok), c.Next().Header);
        c.Create("/mine", null, acl: Acl.CreatorAllAcl);
        var acl = c.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/mine")).Decode(GetACLResponse.Read).Acl;
        Assert.Equal([new Acl(Perms.All, new Id("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="))], acl);

        var stranger = h.Connect();
        stranger.CallExpect(ErrorCode.NoAuth, OpCode.GetData, new GetDataRequest("/mine", false));
        stranger.CallExpect(ErrorCode.NoAuth, OpCode.GetAcl, new GetACLRequest("/mine"));
    }

    [Fact]
    public void Super_digest_allows_everything()
    {
        var h = new Harness(new CoreOptions { SuperDigest = Corral.Core.Acls.AuthProviders.DigestOf("super:pw") });
        var owner = h.Connect();
        owner.Create("/sealed", [1], acl: [new Acl(Perms.All, new Id("digest", "x:y"))]);
        var admin = h.Connect();
        admin.Send(OpCode.Auth, new AuthPacket(0, "digest", "super:pw"u8.ToArray()), Xids.Auth);
        Assert.Equal(ErrorCode.Ok, admin.Next().Header.Err);
        Assert.Equal([1], admin.GetData("/sealed").Data);
        admin.Delete("/sealed");
    }

    [Fact]
    public void Data_over_the_limit_is_rejected_cleanly()
    {
        var h = new Harness(new CoreOptions { MaxDataBytes = 10 });
        var c = h.Connect();
        Expect(c, ErrorCode.BadArguments, new CreateRequest("/big", new byte[11], Open, 0));
        c.Create("/ok", new byte[10]);
        c.CallExpect(ErrorCode.BadArguments, OpCode.SetData, new SetDataRequest("/ok", new byte[11], -1));
    }

    private static void Expect(TestClient c, ErrorCode code, CreateRequest request) => c.CallExpect(code, OpCode.Create2, request);
    private static void ExpectTtl(TestClient c, ErrorCode code, CreateTTLRequest request) => c.CallExpect(code, OpCode.CreateTtl, request);
}
