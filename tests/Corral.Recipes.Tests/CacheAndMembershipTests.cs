using Corral.Client;
using Corral.Recipes.Caches;
using Corral.Recipes.Membership;
using Corral.Recipes.Tests.Infrastructure;

namespace Corral.Recipes.Tests;

/// <summary>Tree, children and node caches; group membership and service discovery.</summary>
public abstract class CacheAndMembershipSuite(IZooKeeperServer server) : RecipeTestBase(server)
{
    /// <summary>The subtree as the server has it now (path → data), read directly.</summary>
    private static async Task<Dictionary<string, string>> ReadTreeAsync(CorralClient client, string path)
    {
        var result = new Dictionary<string, string>();
        async Task Walk(string p)
        {
            try { result[p] = (await client.GetDataAsync(p)).DataAsString; }
            catch (NoNodeException) { return; }
            foreach (var c in await ChildrenAsync(client, p)) await Walk(p + "/" + c);
        }
        await Walk(path);
        return result;
    }

    private static Dictionary<string, string> View(TreeSnapshot s) => s.Nodes.ToDictionary(kv => kv.Key, kv => kv.Value.DataAsString);

    private static async Task ConvergesAsync(TreeCache cache, CorralClient client, string path)
    {
        Dictionary<string, string> truth = [];
        await Wait.UntilAsync(async () =>
        {
            truth = await ReadTreeAsync(client, path);
            var view = View(cache.Current);
            return view.Count == truth.Count && truth.All(kv => view.TryGetValue(kv.Key, out var v) && v == kv.Value);
        }, $"the cache to match the server ({string.Join(", ", truth.Keys)})");
    }

    private async Task MutateAsync(CorralClient client, string root, int round)
    {
        await client.CreateWithParentsAsync($"{root}/a/b{round}", Bytes("b" + round));
        await client.CreateAsync($"{root}/c{round}", Bytes("c"));
        await client.SetDataAsync($"{root}/a", Bytes("a" + round));
        if (round > 0) await client.DeleteRecursiveAsync($"{root}/c{round - 1}");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_tree_cache_follows_creates_updates_and_deletes(bool persistent)
    {
        var writer = await ConnectAsync();
        string root = P("tree");
        await writer.CreateWithParentsAsync(root + "/x/y", Bytes("y"));
        await using var cache = new TreeCache(await ConnectAsync(), root, preferPersistentWatch: persistent);
        await cache.StartAsync().Within();
        Assert.Equal(persistent, cache.UsesPersistentWatch);
        Assert.Equal(["", "/x", "/x/y"], cache.Current.Nodes.Keys.Select(k => k[root.Length..]));
        Assert.Equal("y", cache.Get(root + "/x/y")!.DataAsString);

        for (int round = 0; round < 4; round++) await MutateAsync(writer, root, round);
        await writer.DeleteRecursiveAsync(root + "/x");
        await ConvergesAsync(cache, writer, root);
        Assert.Null(cache.Get(root + "/x"));
        Assert.Equal("a3", cache.Get(root + "/a")!.DataAsString);

        // The root itself going and coming back.
        await writer.DeleteRecursiveAsync(root);
        await Wait.UntilAsync(() => Task.FromResult(cache.Current.Nodes.Count == 0), "the cache to empty");
        await writer.CreateWithParentsAsync(root + "/again", Bytes("!"));
        await ConvergesAsync(cache, writer, root);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_tree_cache_catches_up_after_a_disconnection(bool persistent)
    {
        var writer = await ConnectAsync();
        string root = P("tree-cl");
        await writer.CreateWithParentsAsync(root + "/keep", Bytes("1"));
        await writer.CreateAsync(root + "/gone", Bytes("1"));
        var proxy = NewProxy();
        var cacheClient = await ConnectAsync(proxy);
        await using var cache = new TreeCache(cacheClient, root, preferPersistentWatch: persistent);
        await cache.StartAsync().Within();

        proxy.SetMode(FaultProxy.Mode.BlackHole);
        proxy.CutAll();
        await Wait.UntilAsync(() => Task.FromResult(cacheClient.State != ConnectionState.Connected), "the cache client to notice");
        await writer.SetDataAsync(root + "/keep", Bytes("2"));
        await writer.DeleteAsync(root + "/gone");
        await writer.CreateWithParentsAsync(root + "/new/deep", Bytes("3"));
        proxy.SetMode(FaultProxy.Mode.Forward);
        proxy.CutAll();
        await ConvergesAsync(cache, writer, root);
        Assert.Equal("2", cache.Get(root + "/keep")!.DataAsString);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cache_streams_end_with_session_expiry()
    {
        var proxy = NewProxy();
        var client = await ConnectAsync(proxy, TimeSpan.FromSeconds(2));
        await client.CreateWithParentsAsync(P("exp/child"), Bytes("1"));
        await using var cache = new ChildrenCache(client, P("exp"));
        await cache.StartAsync().Within();
        var stream = cache.WatchAsync().GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().Within());
        Assert.Equal(["child"], stream.Current.Keys);
        await ExpireAsync(client, proxy);
        await Assert.ThrowsAsync<SessionExpiredException>(async () => { while (await stream.MoveNextAsync()) { } }).Within();
    }

    [Fact(Timeout = 60_000)]
    public async Task Node_and_children_caches_report_each_state()
    {
        var writer = await ConnectAsync();
        await using var node = new NodeCache(await ConnectAsync(), P("n"));
        await node.StartAsync().Within();
        Assert.Null(node.Current);
        await writer.CreateWithParentsAsync(P("n"), Bytes("one"));
        await Wait.UntilAsync(() => Task.FromResult(node.Current?.DataAsString == "one"), "the node to appear");
        await writer.SetDataAsync(P("n"), Bytes("two"));
        await Wait.UntilAsync(() => Task.FromResult(node.Current?.DataAsString == "two" && node.Current.Stat.Version == 1), "the update");

        await using var children = new ChildrenCache(await ConnectAsync(), P("n"));
        await children.StartAsync().Within();
        Assert.Empty(children.Current);
        await writer.CreateAsync(P("n/k1"), Bytes("v1"));
        await writer.CreateAsync(P("n/k2"), Bytes("v2"));
        await writer.SetDataAsync(P("n/k1"), Bytes("v1b"));
        await Wait.UntilAsync(() => Task.FromResult(children.Current.Count == 2 && children.Current["k1"].DataAsString == "v1b"), "the children");
        await writer.DeleteAsync(P("n/k2"));
        await Wait.UntilAsync(() => Task.FromResult(children.Current.Keys.SequenceEqual(["k1"])), "k2 to go");
        await writer.DeleteRecursiveAsync(P("n"));
        await Wait.UntilAsync(() => Task.FromResult(node.Current is null && children.Current.Count == 0), "the node to go");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_member_list_follows_joins_payloads_leaves_and_expiry()
    {
        var viewClient = await ConnectAsync();
        await using var view = new GroupView(viewClient, P("group"));
        await view.StartAsync().Within();
        var proxy = NewProxy();
        var doomedClient = await ConnectAsync(proxy, TimeSpan.FromSeconds(2));
        await using var a = new GroupMember(await ConnectAsync(), P("group"), "alpha");
        await using var b = new GroupMember(doomedClient, P("group"), "beta");
        await using var c = new GroupMember(await ConnectAsync(), P("group"), "gamma");
        await a.JoinAsync(Bytes("a:1"));
        await b.JoinAsync(Bytes("b:1"));
        await c.JoinAsync(Bytes("c:1"));
        string Ids() => string.Join(",", view.Members.Select(m => $"{m.Id}={m.PayloadAsString}"));
        await Wait.UntilAsync(() => Task.FromResult(Ids() == "alpha=a:1,beta=b:1,gamma=c:1"), "three members");

        await a.UpdatePayloadAsync(Bytes("a:2"));
        await Wait.UntilAsync(() => Task.FromResult(Ids() == "alpha=a:2,beta=b:1,gamma=c:1"), "the payload update");
        await c.LeaveAsync();
        await Wait.UntilAsync(() => Task.FromResult(Ids() == "alpha=a:2,beta=b:1"), "gamma to leave");

        var lost = b.Lost;
        await ExpireAsync(doomedClient, proxy);
        await Wait.UntilAsync(() => Task.FromResult(lost.IsCancellationRequested), "beta to learn it is lost");
        await Wait.UntilAsync(() => Task.FromResult(Ids() == "alpha=a:2"), "beta to drop out", TimeSpan.FromSeconds(30));
    }

    [Fact(Timeout = 60_000)]
    public async Task Service_discovery_lists_live_instances()
    {
        var discovery = new ServiceDiscovery(await ConnectAsync(), P("services"));
        var stream = discovery.WatchAsync("api").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().Within());
        Assert.Empty(stream.Current);

        var registrar = new ServiceDiscovery(await ConnectAsync(), P("services"));
        await using var one = await registrar.RegisterAsync(new ServiceInstance("api", "i1", "10.0.0.1", 8080));
        await using var two = await registrar.RegisterAsync(new ServiceInstance("api", "i2", "10.0.0.2", 8080));
        IReadOnlyList<ServiceInstance> seen = [];
        while (seen.Count < 2)
        {
            Assert.True(await stream.MoveNextAsync().AsTask().Within());
            seen = stream.Current;
        }
        Assert.Equal(["10.0.0.1", "10.0.0.2"], seen.Select(s => s.Address));
        await one.LeaveAsync();
        Assert.Equal(["i2"], (await discovery.GetInstancesAsync("api")).Select(s => s.Id));
        await stream.DisposeAsync();
    }
}

public sealed class ApacheZooKeeperCacheAndMembershipTests(FastTickZooKeeper server) : CacheAndMembershipSuite(server), IClassFixture<FastTickZooKeeper>;
public sealed class CorralCacheAndMembershipTests(FastTickCorral server) : CacheAndMembershipSuite(server), IClassFixture<FastTickCorral>;
