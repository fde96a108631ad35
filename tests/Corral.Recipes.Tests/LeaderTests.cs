using Corral.Client;
using Corral.Recipes.Leader;
using Corral.Recipes.Tests.Infrastructure;

namespace Corral.Recipes.Tests;

/// <summary>Leader latch and selector.</summary>
public abstract class LeaderSuite(IZooKeeperServer server) : RecipeTestBase(server)
{
    [Fact(Timeout = 60_000)]
    public async Task Exactly_one_latch_leads_and_handover_wakes_only_the_successor()
    {
        var latches = new List<LeaderLatch>();
        for (int i = 0; i < 5; i++)
        {
            var latch = new LeaderLatch(await ConnectAsync(), P("latch"), "p" + i);
            await latch.StartAsync();
            latches.Add(latch);
        }
        await latches[0].WaitForLeadershipAsync().Within();
        await Wait.UntilAsync(() => Task.FromResult(latches.Skip(1).All(l => l.IsWaiting)), "every follower to watch its predecessor");
        Assert.Equal(1, latches.Count(l => l.IsLeader));
        Assert.Equal("p0", await latches[3].GetLeaderIdAsync());

        long previousToken = latches[0].FencingToken;
        for (int i = 0; i < 4; i++)
        {
            int notificationsBefore = latches.Sum(l => l.Notifications);
            await latches[i].DisposeAsync();
            Assert.False(latches[i].IsLeader);
            await latches[i + 1].WaitForLeadershipAsync().Within();
            Assert.Equal(1, latches.Count(l => l.IsLeader));
            Assert.Equal(notificationsBefore + 1, latches.Sum(l => l.Notifications));
            Assert.True(latches[i + 1].FencingToken > previousToken);
            previousToken = latches[i + 1].FencingToken;
        }
        await latches[4].DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task The_fence_rejects_writes_of_a_deposed_leader()
    {
        var client = await ConnectAsync();
        await client.CreateAsync(Root, []);
        await client.CreateAsync(P("resource"), Bytes("0"));
        var latch = new LeaderLatch(client, P("fence"));
        await latch.StartAsync();
        await latch.WaitForLeadershipAsync().Within();

        await latch.Fence(client.Transaction()).SetData(P("resource"), Bytes("1")).CommitAsync();
        Assert.Equal("1", (await client.GetDataAsync(P("resource"))).DataAsString);

        string node = latch.NodePath!;
        await latch.DisposeAsync();
        var tx = client.Transaction().Check(node, -1).SetData(P("resource"), Bytes("2"));
        var e = await Assert.ThrowsAnyAsync<ZooKeeperException>(() => tx.CommitAsync());
        Assert.Equal(Corral.Protocol.ErrorCode.NoNode, e.Code);
        Assert.Equal("1", (await client.GetDataAsync(P("resource"))).DataAsString);
    }

    [Fact(Timeout = 60_000)]
    public async Task Leadership_survives_connection_loss_and_is_lost_on_expiry()
    {
        var proxy = NewProxy();
        var leaderClient = await ConnectAsync(proxy, TimeSpan.FromSeconds(2));
        var leader = new LeaderLatch(leaderClient, P("le"), "doomed");
        var lostRaised = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        leader.LeadershipLost += () => lostRaised.TrySetResult();
        await leader.StartAsync();
        await leader.WaitForLeadershipAsync().Within();
        var follower = new LeaderLatch(await ConnectAsync(), P("le"), "next");
        await follower.StartAsync();

        proxy.CutAll();
        await Wait.UntilAsync(() => Task.FromResult(leaderClient.State == ConnectionState.Connected && proxy.Accepted >= 2), "a reconnect");
        Assert.True(leader.IsLeader);
        Assert.False(follower.IsLeader);
        Assert.False(lostRaised.Task.IsCompleted);

        await ExpireAsync(leaderClient, proxy);
        await lostRaised.Task.Within();
        Assert.False(leader.IsLeader);
        await follower.WaitForLeadershipAsync().Within(TimeSpan.FromSeconds(30));
        Assert.True(follower.FencingToken > leader.FencingToken);
        await follower.DisposeAsync();
        await leader.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Selectors_take_turns_one_at_a_time_with_growing_tokens()
    {
        int inside = 0, maxInside = 0;
        var tokens = new List<long>();
        var selectors = new List<LeaderSelector>();
        for (int i = 0; i < 5; i++)
        {
            var selector = new LeaderSelector(await ConnectAsync(), P("sel"), async (leadership, ct) =>
            {
                LockSuite.InterlockedMax(ref maxInside, Interlocked.Increment(ref inside));
                lock (tokens) tokens.Add(leadership.FencingToken);
                try { await Task.Delay(10, ct); }
                finally { Interlocked.Decrement(ref inside); }
            });
            selectors.Add(selector);
        }
        foreach (var s in selectors) s.Start();
        await Wait.UntilAsync(() => Task.FromResult(selectors.All(s => s.Terms >= 2)), "every selector to lead twice", TimeSpan.FromSeconds(60));
        foreach (var s in selectors) await s.DisposeAsync();

        Assert.Equal(1, maxInside);
        lock (tokens)
            for (int i = 1; i < tokens.Count; i++) Assert.True(tokens[i] > tokens[i - 1], $"token {tokens[i]} after {tokens[i - 1]}");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_selector_term_is_cancelled_when_the_session_expires()
    {
        var proxy = NewProxy();
        var client = await ConnectAsync(proxy, TimeSpan.FromSeconds(2));
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var selector = new LeaderSelector(client, P("selexp"), async (_, ct) =>
        {
            leading.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, ct); }
            finally { cancelled.TrySetResult(); }
        });
        selector.Start();
        await leading.Task.Within();
        Assert.True(selector.HasLeadership);
        await ExpireAsync(client, proxy);
        await cancelled.Task.Within();
        await Wait.UntilAsync(() => Task.FromResult(!selector.HasLeadership), "leadership to end");
    }
}

public sealed class ApacheZooKeeperLeaderTests(FastTickZooKeeper server) : LeaderSuite(server), IClassFixture<FastTickZooKeeper>;
public sealed class CorralLeaderTests(FastTickCorral server) : LeaderSuite(server), IClassFixture<FastTickCorral>;
