using Corral.Recipes.Barriers;
using Corral.Recipes.Tests.Infrastructure;

namespace Corral.Recipes.Tests;

/// <summary>Barrier, double barrier and rendezvous.</summary>
public abstract class BarrierSuite(IZooKeeperServer server) : RecipeTestBase(server)
{
    [Fact(Timeout = 60_000)]
    public async Task Removing_the_barrier_releases_every_waiter_even_across_connection_loss()
    {
        var owner = new DistributedBarrier(await ConnectAsync(), P("b"));
        await owner.SetAsync();
        var proxy = NewProxy();
        var waiters = new List<Task<bool>>();
        for (int i = 0; i < 5; i++)
            waiters.Add(new DistributedBarrier(await ConnectAsync(i == 0 ? proxy : null), P("b")).WaitAsync());
        Assert.False(await new DistributedBarrier(await ConnectAsync(), P("b")).WaitAsync(TimeSpan.FromMilliseconds(300)));
        proxy.CutAll();
        Assert.DoesNotContain(waiters, w => w.IsCompleted);

        await owner.RemoveAsync();
        Assert.All(await Task.WhenAll(waiters).Within(), Assert.True);
    }

    [Fact(Timeout = 60_000)]
    public async Task Nobody_passes_a_double_barrier_until_all_have_entered_or_left()
    {
        const int size = 5;
        var barriers = new List<DoubleBarrier>();
        for (int i = 0; i < size; i++) barriers.Add(new DoubleBarrier(await ConnectAsync(), P("db"), "m" + i, size));
        var entering = barriers.Take(size - 1).Select(b => b.EnterAsync()).ToList();
        var observer = await ConnectAsync();
        await Wait.UntilAsync(async () => (await ChildrenAsync(observer, P("db"))).Count == size - 1, "four members to join");
        Assert.DoesNotContain(entering, e => e.IsCompleted);

        Assert.True(await barriers[^1].EnterAsync().Within());
        Assert.All(await Task.WhenAll(entering).Within(), Assert.True);

        var leaving = barriers.Skip(1).Select(b => b.LeaveAsync()).ToList();
        Assert.False(await Task.WhenAll(leaving).ContinueWith(_ => true).WaitAsync(TimeSpan.FromMilliseconds(400)).ContinueWith(t => t.IsCompletedSuccessfully));
        Assert.True(await barriers[0].LeaveAsync().Within());
        Assert.All(await Task.WhenAll(leaving).Within(), Assert.True);
        Assert.Empty(await ChildrenAsync(observer, P("db")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_double_barrier_member_rides_out_connection_loss()
    {
        var proxy = NewProxy();
        var flaky = new DoubleBarrier(await ConnectAsync(proxy), P("dbl"), "flaky", 3);
        var entering = flaky.EnterAsync();
        var observer = await ConnectAsync();
        await Wait.UntilAsync(async () => (await ChildrenAsync(observer, P("dbl"))).Count == 1, "flaky to join");
        proxy.CutAll();
        var others = new[] { "b", "c" }.Select(async id => new DoubleBarrier(await ConnectAsync(), P("dbl"), id, 3)).ToList();
        var barriers = await Task.WhenAll(others);
        Assert.All(await Task.WhenAll(barriers.Select(b => b.EnterAsync())).Within(), Assert.True);
        Assert.True(await entering.Within());

        var leaving = barriers.Select(b => b.LeaveAsync()).ToList();
        proxy.CutAll();
        Assert.True(await flaky.LeaveAsync().Within());
        Assert.All(await Task.WhenAll(leaving).Within(), Assert.True);
        Assert.Empty(await ChildrenAsync(observer, P("dbl")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_double_barrier_entry_times_out_and_withdraws()
    {
        var client = await ConnectAsync();
        var lonely = new DoubleBarrier(client, P("dbt"), "alone", 2);
        Assert.False(await lonely.EnterAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Empty(await ChildrenAsync(client, P("dbt")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Rendezvous_workers_get_what_the_coordinator_publishes()
    {
        var coordinator = new Rendezvous(await ConnectAsync(), P("rv"));
        await coordinator.CreateAsync();
        var workers = new List<Task<byte[]?>>();
        for (int i = 0; i < 3; i++) workers.Add(new Rendezvous(await ConnectAsync(), P("rv")).WaitAsync());
        var early = new Rendezvous(await ConnectAsync(), P("rv-missing"));
        Assert.Null(await early.WaitAsync(TimeSpan.FromMilliseconds(200)));
        Assert.DoesNotContain(workers, w => w.IsCompleted);

        await coordinator.PublishAsync(Bytes("10.0.0.1:9000"));
        foreach (var data in await Task.WhenAll(workers).Within()) Assert.Equal("10.0.0.1:9000", Text(data));
    }
}

public sealed class ApacheZooKeeperBarrierTests(FastTickZooKeeper server) : BarrierSuite(server), IClassFixture<FastTickZooKeeper>;
public sealed class CorralBarrierTests(FastTickCorral server) : BarrierSuite(server), IClassFixture<FastTickCorral>;
