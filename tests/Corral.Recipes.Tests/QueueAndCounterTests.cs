using System.Collections.Concurrent;
using Corral.Client;
using Corral.Recipes.Atomic;
using Corral.Recipes.Queues;
using Corral.Recipes.Tests.Infrastructure;

namespace Corral.Recipes.Tests;

/// <summary>FIFO, priority and locking queues; shared counter and atomic value.</summary>
public abstract class QueueAndCounterSuite(IZooKeeperServer server) : RecipeTestBase(server)
{
    [Fact(Timeout = 60_000)]
    public async Task A_queue_is_fifo_and_each_item_is_taken_once_under_contention()
    {
        const int items = 40;
        var producer = new DistributedQueue(await ConnectAsync(), P("q"));
        for (int i = 0; i < 5; i++) await producer.EnqueueAsync(Bytes("first" + i));
        for (int i = 0; i < 5; i++) Assert.Equal("first" + i, Text(await producer.TryDequeueAsync()));
        Assert.Null(await producer.TryDequeueAsync());

        var taken = new ConcurrentBag<string>();
        var consumers = new List<Task>();
        for (int c = 0; c < 4; c++)
        {
            var queue = new DistributedQueue(await ConnectAsync(), P("q"));
            consumers.Add(Task.Run(async () =>
            {
                while (await queue.DequeueAsync(TimeSpan.FromSeconds(2)) is { } item) taken.Add(Text(item));
            }));
        }
        for (int i = 0; i < items; i++) await producer.EnqueueAsync(Bytes("item" + i));
        await Task.WhenAll(consumers).Within(TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, items).Select(i => "item" + i).Order(), taken.Order());
        Assert.Equal(0, await producer.CountAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_waiting_consumer_gets_the_next_item_and_enqueues_survive_connection_loss()
    {
        var proxy = NewProxy();
        var producerClient = await ConnectAsync(proxy);
        var producer = new DistributedQueue(producerClient, P("ql"));
        var consumer = new DistributedQueue(await ConnectAsync(), P("ql"));
        var waiting = consumer.DequeueAsync();
        Assert.False(waiting.IsCompleted);
        for (int i = 0; i < 10; i++)
        {
            var enqueue = producer.EnqueueAsync(Bytes("v" + i));
            if (i % 3 == 0) proxy.CutAll(); // while the create may be in flight
            await enqueue.Within();
        }
        // Protected creates: no item was enqueued twice despite the cuts.
        Assert.Equal("v0", Text(await waiting.Within()));
        Assert.Equal(9, await consumer.CountAsync());
        for (int i = 1; i < 10; i++) Assert.Equal("v" + i, Text(await consumer.TryDequeueAsync()));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_priority_queue_takes_lower_numbers_first_and_fifo_within_a_priority()
    {
        var queue = new DistributedPriorityQueue(await ConnectAsync(), P("pq"));
        await queue.EnqueueAsync(Bytes("low-a"), 10);
        await queue.EnqueueAsync(Bytes("urgent"), -5);
        await queue.EnqueueAsync(Bytes("normal"), 0);
        await queue.EnqueueAsync(Bytes("low-b"), 10);
        await queue.EnqueueAsync(Bytes("plain")); // priority 0, after "normal"
        string[] expected = ["urgent", "normal", "plain", "low-a", "low-b"];
        foreach (var e in expected) Assert.Equal(e, Text(await queue.DequeueAsync(TimeSpan.FromSeconds(5))));
        Assert.Null(await queue.TryDequeueAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_locking_queue_keeps_items_claimed_until_completed()
    {
        var client = await ConnectAsync();
        var queue = new LockingQueue(client, P("lq"));
        await queue.EnqueueAsync(Bytes("a"));
        await queue.EnqueueAsync(Bytes("b"));

        var claimA = await queue.ClaimAsync().Within();
        Assert.Equal("a", Text(claimA!.Data));
        var other = new LockingQueue(await ConnectAsync(), P("lq"));
        var claimB = await other.ClaimAsync().Within();
        Assert.Equal("b", Text(claimB!.Data));
        Assert.Null(await other.ClaimAsync(TimeSpan.FromMilliseconds(300)));

        await claimA.DisposeAsync(); // not completed: given back
        var again = await other.ClaimAsync().Within();
        Assert.Equal("a", Text(again!.Data));
        await again.CompleteAsync();
        await claimB.CompleteAsync();
        Assert.Empty(await ChildrenAsync(client, P("lq/items")));
        Assert.Empty(await ChildrenAsync(client, P("lq/claims")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_claim_returns_to_the_queue_when_its_consumer_session_expires()
    {
        var proxy = NewProxy();
        var doomedClient = await ConnectAsync(proxy, TimeSpan.FromSeconds(2));
        var doomed = new LockingQueue(doomedClient, P("lqe"));
        await doomed.EnqueueAsync(Bytes("job"));
        var claim = await doomed.ClaimAsync().Within();
        var survivor = new LockingQueue(await ConnectAsync(), P("lqe"));
        var waiting = survivor.ClaimAsync();
        Assert.False(waiting.IsCompleted);

        await ExpireAsync(doomedClient, proxy);
        var reclaimed = await waiting.Within(TimeSpan.FromSeconds(30));
        Assert.Equal("job", Text(reclaimed!.Data));
        await reclaimed.CompleteAsync();
        Assert.NotNull(claim);
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_increments_are_all_counted()
    {
        const int clients = 8, increments = 15;
        var tasks = new List<Task>();
        for (int c = 0; c < clients; c++)
        {
            var counter = new SharedCounter(await ConnectAsync(), P("counter"));
            tasks.Add(Task.Run(async () => { for (int i = 0; i < increments; i++) await counter.IncrementAsync(); }));
        }
        await Task.WhenAll(tasks).Within(TimeSpan.FromSeconds(60));
        Assert.Equal(clients * increments, await new SharedCounter(await ConnectAsync(), P("counter")).GetAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task Increments_are_applied_exactly_once_across_connection_loss()
    {
        var proxy = NewProxy();
        var counter = new SharedCounter(await ConnectAsync(proxy), P("cl-counter"));
        var rival = new SharedCounter(await ConnectAsync(), P("cl-counter"));
        // Replies are swallowed (the write is applied but its answer never arrives), then the connection is cut.
        var cutter = Task.Run(async () =>
        {
            for (int i = 0; i < 6; i++)
            {
                await Task.Delay(30);
                proxy.SetMode(FaultProxy.Mode.DropReplies);
                await Task.Delay(20);
                proxy.CutAll();
                proxy.SetMode(FaultProxy.Mode.Forward);
            }
        });
        var mine = Task.Run(async () => { for (int i = 0; i < 30; i++) await counter.AddAsync(1); });
        var theirs = Task.Run(async () => { for (int i = 0; i < 30; i++) await rival.AddAsync(100); });
        await Task.WhenAll(mine, theirs, cutter).Within(TimeSpan.FromSeconds(60));
        Assert.Equal(30 + 3000, await rival.GetAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task Compare_and_set_succeeds_only_from_the_expected_value()
    {
        var counter = new SharedCounter(await ConnectAsync(), P("cas"));
        Assert.Equal(0, await counter.GetAsync());
        Assert.True(await counter.CompareAndSetAsync(0, 5));
        Assert.False(await counter.CompareAndSetAsync(0, 7));
        Assert.Equal(5, await counter.GetAsync());
        Assert.Equal(8, await counter.AddAsync(3));

        var value = new DistributedAtomicValue(await ConnectAsync(), P("value"));
        Assert.True(await value.TrySetAsync(-1, Bytes("v1")));
        var (current, version) = await value.GetAsync();
        Assert.Equal(("v1", 0), (Text(current), version));
        Assert.False(await value.TrySetAsync(-1, Bytes("again")));
        Assert.True(await value.TrySetAsync(0, Bytes("v2")));
        Assert.Equal("v2!", Text(await value.UpdateAsync(old => Bytes(Text(old) + "!"))));
    }
}

public sealed class ApacheZooKeeperQueueAndCounterTests(FastTickZooKeeper server) : QueueAndCounterSuite(server), IClassFixture<FastTickZooKeeper>;
public sealed class CorralQueueAndCounterTests(FastTickCorral server) : QueueAndCounterSuite(server), IClassFixture<FastTickCorral>;
