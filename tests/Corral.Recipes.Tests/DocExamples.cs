using System.Text;
using Corral.Client;
using Corral.Recipes.Atomic;
using Corral.Recipes.Barriers;
using Corral.Recipes.Caches;
using Corral.Recipes.Configuration;
using Corral.Recipes.Leader;
using Corral.Recipes.Locks;
using Corral.Recipes.Membership;
using Corral.Recipes.Queues;
using Corral.Recipes.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corral.Recipes.Tests;

/// <summary>
/// The examples of docs/recipes.md, compiled and run. Each example is the code between
/// "// example: NAME" and "// end" below; <see cref="DocExampleTests"/> checks that the document
/// shows exactly this code. The clients are chrooted under a per-test root, so the examples can
/// use plain paths like "/locks/orders".
/// </summary>
public abstract class DocExampleSuite(IZooKeeperServer server) : RecipeTestBase(server)
{
    private async Task<CorralClient> ChrootedAsync()
    {
        var setup = await ConnectAsync();
        try { await setup.CreateAsync(Root, []); } catch (NodeExistsException) { }
        var client = await CorralClient.ConnectAsync($"{Server.ConnectionString}{Root}").Within();
        Track(client);
        return client;
    }

    private static void DoWork() { }

    [Fact(Timeout = 60_000)]
    public async Task Configuration()
    {
        var client = await ChrootedAsync();
        // example: configuration
        var store = new ConfigurationStore(client, "/config/app");
        await store.PublishAsync(new Dictionary<string, string> { ["Db:Host"] = "db1", ["Db:Timeout"] = "5" });
        ConfigurationVersion current = await store.GetAsync();
        Console.WriteLine($"generation {current.Generation}: Db:Host = {current.Values["Db:Host"]}");

        // The same configuration through Microsoft.Extensions.Options:
        var configuration = new ConfigurationBuilder().AddZooKeeper(client, "/config/app").Build();
        var services = new ServiceCollection().Configure<DbSettings>(configuration.GetSection("Db")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<DbSettings>>();
        Console.WriteLine($"timeout {monitor.CurrentValue.Timeout}");
        // end
        Assert.Equal("db1", current.Values["Db:Host"]);
        Assert.Equal(5, monitor.CurrentValue.Timeout);
    }

    public sealed class DbSettings
    {
        public string Host { get; set; } = "";
        public int Timeout { get; set; }
    }

    [Fact(Timeout = 60_000)]
    public async Task Rendezvous()
    {
        var client = await ChrootedAsync();
        // example: rendezvous
        var rendezvous = new Rendezvous(client, "/jobs/42/rendezvous");
        await rendezvous.CreateAsync();
        var worker = rendezvous.WaitAsync(TimeSpan.FromSeconds(30)); // in each worker process
        await rendezvous.PublishAsync(Encoding.UTF8.GetBytes("master=10.0.0.5:7000"));
        byte[]? info = await worker;
        // end
        Assert.Equal("master=10.0.0.5:7000", Encoding.UTF8.GetString(info!));
    }

    [Fact(Timeout = 60_000)]
    public async Task Membership()
    {
        var client = await ChrootedAsync();
        // example: membership
        await using var me = new GroupMember(client, "/groups/workers", "worker-1");
        await me.JoinAsync(Encoding.UTF8.GetBytes("10.0.0.7:9000"));

        await using var view = new GroupView(client, "/groups/workers");
        await view.StartAsync();
        foreach (Member m in view.Members) Console.WriteLine($"{m.Id} at {m.PayloadAsString}");

        var discovery = new ServiceDiscovery(client, "/services");
        await using var registration = await discovery.RegisterAsync(new ServiceInstance("orders", "o-1", "10.0.0.7", 8080));
        IReadOnlyList<ServiceInstance> instances = await discovery.GetInstancesAsync("orders");
        // end
        Assert.Equal(["worker-1"], view.Members.Select(m => m.Id));
        Assert.Equal("o-1", Assert.Single(instances).Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task Locks()
    {
        var client = await ChrootedAsync();
        // example: locks
        var mutex = new DistributedLock(client, "/locks/orders");
        await using (await mutex.LockAsync())
        {
            DoWork(); // stop early if mutex.Lost is cancelled (session expired)
        }
        if (await mutex.TryAcquireAsync(TimeSpan.FromSeconds(2)))
        {
            try { DoWork(); }
            finally { await mutex.ReleaseAsync(); }
        }

        var rw = new DistributedReadWriteLock(client, "/locks/catalog");
        await rw.ReadLock.AcquireAsync();
        await rw.ReadLock.ReleaseAsync();

        var semaphore = new DistributedSemaphore(client, "/semaphores/db", maxLeases: 3);
        await using (Lease lease = await semaphore.AcquireAsync())
        {
            DoWork();
        }

        var both = new MultiLock([new DistributedLock(client, "/locks/a"), new DistributedLock(client, "/locks/b")]);
        await both.AcquireAsync();
        await both.ReleaseAsync();
        // end
        Assert.False(mutex.IsHeld);
        Assert.False(both.IsHeld);
    }

    [Fact(Timeout = 60_000)]
    public async Task LeaderElection()
    {
        var client = await ChrootedAsync();
        // example: leader
        await using var latch = new LeaderLatch(client, "/election/scheduler", participantId: "node-1");
        latch.LeadershipAcquired += token => Console.WriteLine($"leading with fencing token {token}");
        latch.LeadershipLost += () => Console.WriteLine("no longer leading");
        await latch.StartAsync();
        await latch.WaitForLeadershipAsync();
        // Writes guarded by leadership fail once this node is no longer the leader:
        await latch.Fence(client.Transaction()).Create("/jobs-run", "by node-1").CommitAsync();

        await using var selector = new LeaderSelector(client, "/election/compactor", async (leadership, ct) =>
        {
            Console.WriteLine($"compacting as leader {leadership.FencingToken}");
            await Task.Delay(10, ct); // leadership ends when this returns (or ct is cancelled)
        });
        selector.Start();
        // end
        Assert.True(latch.IsLeader);
        await Wait.UntilAsync(() => Task.FromResult(selector.Terms >= 1), "a selector term");
    }

    [Fact(Timeout = 60_000)]
    public async Task Barriers()
    {
        var client = await ChrootedAsync();
        // example: barriers
        var barrier = new DistributedBarrier(client, "/barriers/deploy");
        await barrier.SetAsync();
        var waiting = barrier.WaitAsync(); // other processes block here...
        await barrier.RemoveAsync();       // ...until the barrier is removed
        await waiting;

        var doubleBarrier = new DoubleBarrier(client, "/barriers/round-1", memberId: "worker-1", size: 1);
        await doubleBarrier.EnterAsync();  // returns when all `size` members have entered
        DoWork();
        await doubleBarrier.LeaveAsync();  // returns when all have left
        // end
        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact(Timeout = 60_000)]
    public async Task Queues()
    {
        var client = await ChrootedAsync();
        // example: queues
        var queue = new DistributedQueue(client, "/queues/mail");
        await queue.EnqueueAsync(Encoding.UTF8.GetBytes("hello"));
        byte[]? item = await queue.DequeueAsync(TimeSpan.FromSeconds(5));

        var urgent = new DistributedPriorityQueue(client, "/queues/alerts");
        await urgent.EnqueueAsync(Encoding.UTF8.GetBytes("disk full"), priority: -10);

        var jobs = new LockingQueue(client, "/queues/jobs");
        await jobs.EnqueueAsync(Encoding.UTF8.GetBytes("resize image 7"));
        await using (QueueClaim? claim = await jobs.ClaimAsync(TimeSpan.FromSeconds(5)))
        {
            DoWork();                      // if this throws, the claim is given back
            await claim!.CompleteAsync();  // processed: the item is gone for good
        }
        // end
        Assert.Equal("hello", Encoding.UTF8.GetString(item!));
        Assert.Equal("disk full", Encoding.UTF8.GetString((await urgent.TryDequeueAsync())!));
    }

    [Fact(Timeout = 60_000)]
    public async Task Counters()
    {
        var client = await ChrootedAsync();
        // example: counters
        var counter = new SharedCounter(client, "/counters/visits");
        long visits = await counter.IncrementAsync();
        bool reset = await counter.CompareAndSetAsync(expected: visits, value: 0);

        var value = new DistributedAtomicValue(client, "/values/motd");
        byte[] updated = await value.UpdateAsync(old => Encoding.UTF8.GetBytes("hello again"));
        // end
        Assert.Equal(1, visits);
        Assert.True(reset);
        Assert.Equal("hello again", Encoding.UTF8.GetString(updated));
    }

    [Fact(Timeout = 60_000)]
    public async Task Caches()
    {
        var client = await ChrootedAsync();
        await client.CreateWithParentsAsync("/apps/web/config", Encoding.UTF8.GetBytes("v1"));
        // example: caches
        await using var tree = new TreeCache(client, "/apps");
        await tree.StartAsync(); // the first full load is in place when this returns
        NodeData? config = tree.Get("/apps/web/config");

        await using var children = new ChildrenCache(client, "/apps");
        await children.StartAsync();
        await using var node = new NodeCache(client, "/apps/web/config");
        await node.StartAsync();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await foreach (TreeSnapshot snapshot in tree.WatchAsync(stop.Token))
        {
            Console.WriteLine($"{snapshot.Nodes.Count} nodes");
            break;
        }
        // end
        Assert.Equal("v1", config!.DataAsString);
        Assert.Equal(["web"], children.Current.Keys);
        Assert.Equal("v1", node.Current!.DataAsString);
    }
}

public sealed class ApacheZooKeeperDocExampleTests(FastTickZooKeeper server) : DocExampleSuite(server), IClassFixture<FastTickZooKeeper>;
public sealed class CorralDocExampleTests(FastTickCorral server) : DocExampleSuite(server), IClassFixture<FastTickCorral>;

/// <summary>docs/recipes.md must show exactly the code that the examples above compile and run.</summary>
public sealed class DocExampleTests
{
    private static string Normalize(IEnumerable<string> lines)
    {
        var list = lines.ToList();
        int indent = list.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", list.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim()));
    }

    internal static Dictionary<string, string> ExamplesInSource()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "DocExamples.cs"));
        var result = new Dictionary<string, string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].Trim();
            if (!t.StartsWith("// example: ", StringComparison.Ordinal)) continue;
            int end = Array.FindIndex(lines, i + 1, l => l.Trim() == "// end");
            result[t["// example: ".Length..]] = Normalize(lines[(i + 1)..end]);
        }
        return result;
    }

    internal static Dictionary<string, string> ExamplesInDoc()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "recipes.md"));
        var result = new Dictionary<string, string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].Trim();
            if (!t.StartsWith("<!-- example: ", StringComparison.Ordinal)) continue;
            string name = t["<!-- example: ".Length..^"-->".Length].Trim();
            Assert.Equal("```csharp", lines[i + 1].Trim());
            int end = Array.FindIndex(lines, i + 2, l => l.Trim() == "```");
            result[name] = Normalize(lines[(i + 2)..end]);
        }
        return result;
    }

    [Fact]
    public void Every_recipe_has_an_example_and_the_document_shows_the_compiled_code()
    {
        var source = ExamplesInSource();
        var doc = ExamplesInDoc();
        Assert.Equal(["barriers", "caches", "configuration", "counters", "leader", "locks", "membership", "queues", "rendezvous"], source.Keys.Order());
        Assert.Equal(source.Keys.Order(), doc.Keys.Order());
        foreach (var (name, code) in source) Assert.Equal(code, doc[name]);
    }
}
