using Corral.Client;
using Corral.Recipes.Locks;
using Corral.Recipes.Tests.Infrastructure;

namespace Corral.Recipes.Tests;

/// <summary>Mutex, read/write lock, semaphore and multi-lock, written once per server tier.</summary>
public abstract class LockSuite(IZooKeeperServer server) : RecipeTestBase(server)
{
    [Fact(Timeout = 60_000)]
    public async Task Twenty_contenders_never_hold_the_mutex_together()
    {
        const int contenders = 20, rounds = 3;
        var clients = await Task.WhenAll(Enumerable.Range(0, contenders).Select(_ => ConnectAsync()));
        int inside = 0, maxInside = 0, entries = 0;
        await Task.WhenAll(clients.Select(async client =>
        {
            var mutex = new DistributedLock(client, P("lock"));
            for (int r = 0; r < rounds; r++)
            {
                await mutex.AcquireAsync();
                int now = Interlocked.Increment(ref inside);
                InterlockedMax(ref maxInside, now);
                Interlocked.Increment(ref entries);
                await Task.Yield();
                Interlocked.Decrement(ref inside);
                await mutex.ReleaseAsync();
            }
        })).Within(TimeSpan.FromSeconds(90));

        Assert.Equal(1, maxInside);
        Assert.Equal(contenders * rounds, entries);
        Assert.Empty(await ChildrenAsync(clients[0], P("lock")));
    }

    [Fact(Timeout = 60_000)]
    public async Task One_release_wakes_exactly_one_waiter()
    {
        const int waiters = 10;
        var holderClient = await ConnectAsync();
        var holder = new DistributedLock(holderClient, P("herd"));
        await holder.AcquireAsync();
        var locks = new List<DistributedLock>();
        var acquired = new List<Task>();
        foreach (var client in await Task.WhenAll(Enumerable.Range(0, waiters).Select(_ => ConnectAsync())))
        {
            var l = new DistributedLock(client, P("herd"));
            locks.Add(l);
            acquired.Add(l.AcquireAsync());
        }
        await Wait.UntilAsync(async () => (await ChildrenAsync(holderClient, P("herd"))).Count == waiters + 1, "every waiter to queue");
        await Wait.UntilAsync(() => Task.FromResult(locks.All(l => l.IsWaiting)), "every waiter to watch its predecessor");

        await holder.ReleaseAsync();
        for (int released = 1; released <= waiters; released++)
        {
            var next = await Task.WhenAny(acquired).Within();
            await next;
            var owner = locks[acquired.IndexOf(next)];
            // Exactly one waiter was notified per release so far: the one that now holds the lock.
            Assert.Equal(released, locks.Sum(l => l.Notifications));
            Assert.Equal(1, owner.Notifications);
            Assert.Equal(1, locks.Count(l => l.IsHeld));
            acquired[acquired.IndexOf(next)] = new TaskCompletionSource().Task; // never completes again
            await owner.ReleaseAsync();
        }
        Assert.Empty(await ChildrenAsync(holderClient, P("herd")));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_mutex_is_reentrant_per_instance()
    {
        var client = await ConnectAsync();
        var mutex = new DistributedLock(client, P("re"));
        await mutex.AcquireAsync();
        await mutex.AcquireAsync();
        Assert.Equal(2, mutex.HoldCount);
        Assert.Single(await ChildrenAsync(client, P("re")));
        await mutex.ReleaseAsync();
        Assert.True(mutex.IsHeld);
        Assert.Single(await ChildrenAsync(client, P("re")));
        await mutex.ReleaseAsync();
        Assert.False(mutex.IsHeld);
        Assert.Empty(await ChildrenAsync(client, P("re")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => mutex.ReleaseAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task Timeout_and_cancellation_leave_no_node_behind()
    {
        var a = new DistributedLock(await ConnectAsync(), P("t"));
        var client = await ConnectAsync();
        var b = new DistributedLock(client, P("t"));
        await a.AcquireAsync();

        Assert.False(await b.TryAcquireAsync(TimeSpan.FromMilliseconds(300)));
        Assert.False(b.IsHeld);
        Assert.Single(await ChildrenAsync(client, P("t")));

        using var cts = new CancellationTokenSource();
        var waiting = b.AcquireAsync(cts.Token);
        await Wait.UntilAsync(async () => (await ChildrenAsync(client, P("t"))).Count == 2, "b to queue");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting).Within();
        Assert.Single(await ChildrenAsync(client, P("t")));

        await a.ReleaseAsync();
        Assert.True(await b.TryAcquireAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Connection_loss_neither_drops_a_held_lock_nor_a_waiting_turn()
    {
        var proxy = NewProxy();
        var holder = new DistributedLock(await ConnectAsync(proxy), P("cl"));
        var waiterProxy = NewProxy();
        var waiter = new DistributedLock(await ConnectAsync(waiterProxy), P("cl"));
        var observer = await ConnectAsync();
        var other = new DistributedLock(observer, P("cl"));

        await holder.AcquireAsync();
        var waiting = waiter.AcquireAsync();
        await Wait.UntilAsync(async () => (await ChildrenAsync(observer, P("cl"))).Count == 2, "the waiter to queue");
        proxy.CutAll();
        waiterProxy.CutAll();

        // Still held: a third contender cannot get in, and the holder's node is the same one.
        Assert.False(await other.TryAcquireAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(2, (await ChildrenAsync(observer, P("cl"))).Count);
        Assert.False(waiting.IsCompleted);
        Assert.False(holder.Lost.IsCancellationRequested);

        await holder.ReleaseAsync().Within();
        await waiting.Within();
        Assert.True(waiter.IsHeld);
        await waiter.ReleaseAsync();
        Assert.Empty(await ChildrenAsync(observer, P("cl")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Session_expiry_loses_the_lock_and_reports_it()
    {
        var proxy = NewProxy();
        var doomedClient = await ConnectAsync(proxy, TimeSpan.FromSeconds(2));
        var doomed = new DistributedLock(doomedClient, P("exp"));
        var next = new DistributedLock(await ConnectAsync(), P("exp"));
        await doomed.AcquireAsync();
        var lost = doomed.Lost;
        var waiting = next.AcquireAsync();

        await ExpireAsync(doomedClient, proxy);
        await Wait.UntilAsync(() => Task.FromResult(lost.IsCancellationRequested), "Lost to fire");
        await waiting.Within(TimeSpan.FromSeconds(30));
        Assert.True(next.IsHeld);
        await doomed.ReleaseAsync(); // releasing a lost lock is harmless
        Assert.False(doomed.IsHeld);
    }

    [Fact(Timeout = 60_000)]
    public async Task Readers_share_and_writers_exclude()
    {
        var client = await ConnectAsync();
        var rw1 = new DistributedReadWriteLock(await ConnectAsync(), P("rw"));
        var rw2 = new DistributedReadWriteLock(await ConnectAsync(), P("rw"));
        var rw3 = new DistributedReadWriteLock(await ConnectAsync(), P("rw"));

        await rw1.ReadLock.AcquireAsync();
        Assert.True(await rw2.ReadLock.TryAcquireAsync(TimeSpan.FromSeconds(5)), "two readers hold at once");
        var writer = rw3.WriteLock.AcquireAsync();
        await Wait.UntilAsync(async () => (await ChildrenAsync(client, P("rw"))).Count == 3, "the writer to queue");
        // A reader arriving after a queued writer waits for it (writers are not starved).
        var lateReader = new DistributedReadWriteLock(await ConnectAsync(), P("rw"));
        Assert.False(await lateReader.ReadLock.TryAcquireAsync(TimeSpan.FromMilliseconds(300)));
        Assert.False(writer.IsCompleted);

        await rw1.ReadLock.ReleaseAsync();
        Assert.False(writer.IsCompleted);
        await rw2.ReadLock.ReleaseAsync();
        await writer.Within();
        Assert.False(await rw1.ReadLock.TryAcquireAsync(TimeSpan.FromMilliseconds(300)));
        await rw3.WriteLock.ReleaseAsync();
        Assert.True(await rw1.ReadLock.TryAcquireAsync(TimeSpan.FromSeconds(5)));
        await rw1.ReadLock.ReleaseAsync();
        Assert.Empty(await ChildrenAsync(client, P("rw")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_semaphore_never_grants_more_than_its_leases()
    {
        const int max = 3, contenders = 10;
        var clients = await Task.WhenAll(Enumerable.Range(0, contenders).Select(_ => ConnectAsync()));
        int inside = 0, maxInside = 0, granted = 0;
        await Task.WhenAll(clients.Select(async client =>
        {
            var sem = new DistributedSemaphore(client, P("sem"), max);
            for (int r = 0; r < 2; r++)
            {
                await using var lease = await sem.AcquireAsync();
                InterlockedMax(ref maxInside, Interlocked.Increment(ref inside));
                Interlocked.Increment(ref granted);
                await Task.Delay(20);
                Interlocked.Decrement(ref inside);
            }
        })).Within(TimeSpan.FromSeconds(60));
        Assert.Equal(contenders * 2, granted);
        Assert.InRange(maxInside, 1, max);
        Assert.Empty(await ChildrenAsync(clients[0], P("sem/leases")));
        Assert.Empty(await ChildrenAsync(clients[0], P("sem/lock")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_full_semaphore_times_out_then_grants_after_a_return()
    {
        var client = await ConnectAsync();
        var sem = new DistributedSemaphore(client, P("sem2"), 2);
        var l1 = await sem.AcquireAsync();
        var l2 = await sem.AcquireAsync();
        var other = new DistributedSemaphore(await ConnectAsync(), P("sem2"), 2);
        Assert.Null(await other.TryAcquireAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(2, (await ChildrenAsync(client, P("sem2/leases"))).Count);
        var waiting = other.AcquireAsync();
        await l1.DisposeAsync();
        var l3 = await waiting.Within();
        Assert.Equal(new[] { PathUtilsName(l2.NodePath), PathUtilsName(l3.NodePath) }.Order(StringComparer.Ordinal), await ChildrenAsync(client, P("sem2/leases")));
        await l2.DisposeAsync();
        await l3.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_multi_lock_is_all_or_nothing()
    {
        var a = await ConnectAsync();
        var b = await ConnectAsync();
        var multi = new MultiLock([new DistributedLock(a, P("m1")), new DistributedLock(a, P("m2"))]);
        await multi.AcquireAsync();
        Assert.True(multi.IsHeld);
        Assert.False(await new DistributedLock(b, P("m1")).TryAcquireAsync(TimeSpan.FromMilliseconds(200)));
        Assert.False(await new DistributedLock(b, P("m2")).TryAcquireAsync(TimeSpan.FromMilliseconds(200)));
        await multi.ReleaseAsync();

        // b holds m2: a multi-lock over m1+m2 fails and gives m1 back.
        var m2 = new DistributedLock(b, P("m2"));
        await m2.AcquireAsync();
        var first = new DistributedLock(a, P("m1"));
        var partial = new MultiLock([first, new DistributedLock(a, P("m2"))]);
        Assert.False(await partial.TryAcquireAsync(TimeSpan.FromMilliseconds(400)));
        Assert.False(first.IsHeld);
        Assert.Empty(await ChildrenAsync(a, P("m1")));
        Assert.Single(await ChildrenAsync(a, P("m2")));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_expired_lease_or_write_lock_is_freed_for_others()
    {
        var proxy = NewProxy();
        var doomedClient = await ConnectAsync(proxy, TimeSpan.FromSeconds(2));
        var lease = await new DistributedSemaphore(doomedClient, P("semx"), 1).AcquireAsync();
        var rw = new DistributedReadWriteLock(doomedClient, P("rwx"));
        await rw.WriteLock.AcquireAsync();
        var survivor = await ConnectAsync();
        var nextLease = new DistributedSemaphore(survivor, P("semx"), 1).AcquireAsync();
        var reader = new DistributedReadWriteLock(survivor, P("rwx")).ReadLock;
        var reading = reader.AcquireAsync();
        Assert.False(nextLease.IsCompleted);
        Assert.False(reading.IsCompleted);

        await ExpireAsync(doomedClient, proxy);
        await Wait.UntilAsync(() => Task.FromResult(lease.Lost.IsCancellationRequested && rw.WriteLock.Lost.IsCancellationRequested),
            "the lease and the write lock to report they are lost");
        await using var granted = await nextLease.Within(TimeSpan.FromSeconds(30));
        await reading.Within(TimeSpan.FromSeconds(30));
        Assert.True(reader.IsHeld);
    }

    private static string PathUtilsName(string path) => Corral.Protocol.PathUtils.NameOf(path);

    internal static void InterlockedMax(ref int target, int value)
    {
        int seen = Volatile.Read(ref target);
        while (value > seen)
        {
            int prior = Interlocked.CompareExchange(ref target, value, seen);
            if (prior == seen) return;
            seen = prior;
        }
    }
}

/// <summary>The lock suite against Apache ZooKeeper 3.8 (interop tier).</summary>
public sealed class ApacheZooKeeperLockTests(FastTickZooKeeper server) : LockSuite(server), IClassFixture<FastTickZooKeeper>;
public sealed class CorralLockTests(FastTickCorral server) : LockSuite(server), IClassFixture<FastTickCorral>;
