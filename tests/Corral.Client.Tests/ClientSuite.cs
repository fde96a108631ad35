using System.Text;
using Corral.Client.Tests.Infrastructure;
using Corral.Protocol;

namespace Corral.Client.Tests;

/// <summary>
/// The client suite, written once and run against every server (see the *Tests classes at the
/// bottom of each file). Each test works under its own random root so tests never collide.
/// </summary>
public abstract partial class ClientSuite
{
    protected ClientSuite(IZooKeeperServer server)
    {
        Server = server;
        Root = "/t" + Guid.NewGuid().ToString("N")[..12];
    }

    protected IZooKeeperServer Server { get; }
    protected string Root { get; }

    protected static CorralClientOptions Options(TimeSpan? sessionTimeout = null) => new()
    {
        SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
    };

    protected Task<CorralClient> ConnectAsync(string? connectionString = null, TimeSpan? sessionTimeout = null) =>
        CorralClient.ConnectAsync(connectionString ?? Server.ConnectionString, Options(sessionTimeout)).Within();

    protected static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Create_get_set_delete_report_exact_stats()
    {
        await using var zk = await ConnectAsync();
        var created = await zk.CreateAsync(Root, Bytes("hello"));
        Assert.Equal(Root, created.Path);
        Assert.Equal(0, created.Stat.Version);
        Assert.Equal(5, created.Stat.DataLength);
        Assert.Equal(0, created.Stat.NumChildren);
        Assert.Equal(0, created.Stat.EphemeralOwner);
        Assert.Equal(created.Stat.Czxid, created.Stat.Mzxid);
        Assert.Equal(created.Stat.Czxid, created.Stat.Pzxid);

        var data = await zk.GetDataAsync(Root);
        Assert.Equal("hello", data.DataAsString);
        Assert.Equal(created.Stat, data.Stat);

        var set = await zk.SetDataAsync(Root, Bytes("world!"), version: 0);
        Assert.Equal(1, set.Version);
        Assert.Equal(6, set.DataLength);
        Assert.True(set.Mzxid > created.Stat.Czxid);
        Assert.Equal(created.Stat.Czxid, set.Czxid);

        var bad = await Assert.ThrowsAsync<BadVersionException>(() => zk.SetDataAsync(Root, Bytes("x"), version: 0));
        Assert.Equal(ErrorCode.BadVersion, bad.Code);
        Assert.Equal(Root, bad.Path);

        await zk.CreateAsync(Root + "/child", Bytes(""));
        var parent = await zk.ExistsAsync(Root);
        Assert.NotNull(parent);
        Assert.Equal(1, parent.Value.NumChildren);
        Assert.Equal(1, parent.Value.Cversion);

        await Assert.ThrowsAsync<NotEmptyException>(() => zk.DeleteAsync(Root));
        await Assert.ThrowsAsync<NodeExistsException>(() => zk.CreateAsync(Root + "/child", Bytes("")));
        await Assert.ThrowsAsync<NoNodeException>(() => zk.GetDataAsync(Root + "/missing"));
        await Assert.ThrowsAsync<NoNodeException>(() => zk.CreateAsync(Root + "/missing/x", Bytes("")));
        await Assert.ThrowsAsync<BadVersionException>(() => zk.DeleteAsync(Root + "/child", version: 7));
        await zk.DeleteAsync(Root + "/child", version: 0);
        await zk.DeleteAsync(Root);
        Assert.Null(await zk.ExistsAsync(Root));
    }

    [Fact]
    public async Task Invalid_paths_are_rejected_before_sending()
    {
        await using var zk = await ConnectAsync();
        var e = Assert.Throws<ArgumentException>(() => { _ = zk.CreateAsync("no-slash", Bytes("")); });
        Assert.Contains("Path must start with / character", e.Message);
        Assert.Throws<ArgumentException>(() => { _ = zk.GetDataAsync("/a/"); });
    }

    [Fact]
    public async Task Sequential_and_ephemeral_nodes()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes(""));
        var first = await zk.CreateAsync(Root + "/seq-", Bytes(""), CreateMode.PersistentSequential);
        var second = await zk.CreateAsync(Root + "/seq-", Bytes(""), CreateMode.EphemeralSequential);
        Assert.Equal(Root + "/seq-0000000000", first.Path);
        Assert.Equal(Root + "/seq-0000000001", second.Path);
        Assert.Equal(zk.SessionId, second.Stat.EphemeralOwner);
        Assert.Equal(0, first.Stat.EphemeralOwner);

        var mine = await zk.GetEphemeralsAsync(Root);
        Assert.Equal([second.Path], mine);
        Assert.Equal(2, await zk.GetAllChildrenNumberAsync(Root));

        await Assert.ThrowsAsync<NoChildrenForEphemeralsException>(() => zk.CreateAsync(second.Path + "/x", Bytes("")));
        await zk.CloseAsync();

        await using var other = await ConnectAsync();
        var children = await other.GetChildrenAsync(Root);
        Assert.Equal(["seq-0000000000"], children.Children);
        Assert.Equal(1, children.Stat.NumChildren);
    }

    [Fact]
    public async Task Ttl_and_container_nodes_can_be_created()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes(""));
        var ttl = await zk.CreateAsync(Root + "/ttl", Bytes("t"), CreateMode.PersistentWithTtl, ttl: TimeSpan.FromMinutes(5));
        Assert.Equal(Root + "/ttl", ttl.Path);
        var container = await zk.CreateAsync(Root + "/c", Bytes(""), CreateMode.Container);
        Assert.Equal(Root + "/c", container.Path);
        Assert.Throws<ArgumentException>(() => { _ = zk.CreateAsync(Root + "/x", Bytes(""), CreateMode.PersistentWithTtl); });
    }

    [Fact]
    public async Task Chroot_is_added_to_requests_and_stripped_from_replies_and_events()
    {
        await using var admin = await ConnectAsync();
        await admin.CreateAsync(Root, Bytes(""));
        await using var zk = await ConnectAsync(Server.ConnectionString + Root);
        var created = await zk.CreateAsync("/a", Bytes("1"), CreateMode.PersistentSequential);
        Assert.Equal("/a0000000000", created.Path);
        Assert.NotNull(await admin.ExistsAsync(Root + "/a0000000000"));
        Assert.Equal(["a0000000000"], (await zk.GetChildrenAsync("/")).Children);

        var watched = await zk.GetDataWatchAsync("/a0000000000");
        await admin.SetDataAsync(Root + "/a0000000000", Bytes("2"));
        var e = await watched.Changed.Within();
        Assert.Equal(new WatchedEvent(EventType.NodeDataChanged, KeeperState.SyncConnected, "/a0000000000"), e);

        var results = await zk.Transaction().Create("/b", "x").CommitAsync();
        Assert.Equal("/b", Assert.IsType<CreateResult>(results[0]).Path);
    }

    [Fact]
    public async Task Acl_and_digest_auth()
    {
        await using var zk = await ConnectAsync();
        await zk.AddAuthAsync("digest", "alice:secret");
        var who = await zk.WhoAmIAsync();
        Assert.Contains(who, c => c.AuthScheme == "digest" && c.User == "alice");
        Assert.Contains(who, c => c.AuthScheme == "ip" && c.User == "127.0.0.1");

        await zk.CreateAsync(Root, Bytes("private"), CreateMode.Persistent, Acl.CreatorAllAcl);
        var acl = await zk.GetAclAsync(Root);
        var entry = Assert.Single(acl.Acl);
        Assert.Equal(Perms.All, entry.Perms);
        Assert.Equal("digest", entry.Id.Scheme);
        Assert.StartsWith("alice:", entry.Id.IdValue);

        await using var stranger = await ConnectAsync();
        await Assert.ThrowsAsync<NoAuthException>(() => stranger.GetDataAsync(Root));

        var stat = await zk.SetAclAsync(Root, Acl.OpenAclUnsafe, aclVersion: 0);
        Assert.Equal(1, stat.Aversion);
        Assert.Equal("private", (await stranger.GetDataAsync(Root)).DataAsString);
        await Assert.ThrowsAsync<BadVersionException>(() => zk.SetAclAsync(Root, Acl.OpenAclUnsafe, aclVersion: 0));
        await Assert.ThrowsAsync<InvalidAclException>(() => zk.CreateAsync(Root + "/bad", Bytes(""), CreateMode.Persistent, [new Acl(Perms.All, new Id("nosuch", "x"))]));
    }

    [Fact]
    public async Task Sync_returns_the_path()
    {
        await using var zk = await ConnectAsync();
        Assert.Equal("/", await zk.SyncAsync("/"));
    }
}
