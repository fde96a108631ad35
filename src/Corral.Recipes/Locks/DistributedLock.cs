using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Locks;

/// <summary>
/// A distributed mutex (the ZooKeeper lock recipe; Curator's InterProcessMutex). Each contender
/// creates a protected ephemeral-sequential node under <c>path</c>; the lowest sequence holds the
/// lock and every other contender watches only its immediate predecessor, so a release wakes
/// exactly one waiter (no herd effect).
/// <para>Guarantees: at most one holder while sessions are alive. Reentrant per instance (async
/// code has no thread identity, so one instance is one owner): a second acquire while held only
/// increments <see cref="HoldCount"/>. A connection loss while waiting or holding is waited out
/// (the node survives with the session); if the session expires the lock is gone:
/// <see cref="Lost"/> is cancelled and a waiting acquire throws <see cref="SessionExpiredException"/>.
/// A timed-out or cancelled acquire deletes its node, so no orphan is left.</para>
/// </summary>
public sealed class DistributedLock
{
    private readonly CorralClient _client;
    private readonly string _prefix;
    private readonly LockRule _rule;
    private readonly byte[] _data;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SessionWatcher? _session;
    private int _notifications;

    public DistributedLock(CorralClient client, string path, byte[]? data = null)
        : this(client, path, "lock-", LockRules.Exclusive, data)
    {
    }

    internal DistributedLock(CorralClient client, string path, string prefix, LockRule rule, byte[]? data)
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        _client = client;
        Path = path;
        _prefix = prefix;
        _rule = rule;
        _data = data ?? [];
    }

    /// <summary>The lock directory.</summary>
    public string Path { get; }
    /// <summary>This holder's node while the lock is held.</summary>
    public string? NodePath { get; private set; }
    /// <summary>How many times this instance has acquired without releasing.</summary>
    public int HoldCount { get; private set; }
    public bool IsHeld => HoldCount > 0;
    /// <summary>How many watch notifications this instance has received while waiting (the herd-effect test counts these).</summary>
    public int Notifications => Volatile.Read(ref _notifications);
    /// <summary>True while this instance waits with a watch set on its predecessor.</summary>
    public bool IsWaiting => Volatile.Read(ref _waiting) != 0;
    private int _waiting;

    /// <summary>Cancelled if the session expires while the lock is held: work guarded by it must stop.</summary>
    public CancellationToken Lost => _session?.Lost ?? CancellationToken.None;

    /// <summary>Waits until the lock is held.</summary>
    public async Task AcquireAsync(CancellationToken ct = default)
    {
        if (!await AcquireCoreAsync(null, ct).ConfigureAwait(false))
            throw new InvalidOperationException("acquire without a timeout cannot time out");
    }

    /// <summary>Waits up to <paramref name="timeout"/>; false (and no node left behind) if the lock was not obtained.</summary>
    public Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken ct = default) => AcquireCoreAsync(timeout, ct);

    /// <summary>Acquires and returns a handle whose disposal releases.</summary>
    public async Task<IAsyncDisposable> LockAsync(CancellationToken ct = default)
    {
        await AcquireAsync(ct).ConfigureAwait(false);
        return new Releaser(this);
    }

    private async Task<bool> AcquireCoreAsync(TimeSpan? timeout, CancellationToken ct)
    {
        long start = TimeProvider.System.GetTimestamp();
        if (!await _gate.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false)) return false;
        try
        {
            if (HoldCount > 0)
            {
                HoldCount++;
                return true;
            }
            var session = new SessionWatcher(_client);
            string? node = await AttemptAsync(timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : null, ct).ConfigureAwait(false);
            if (node is null)
            {
                session.Dispose();
                return false;
            }
            _session = session;
            NodePath = node;
            HoldCount = 1;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Releases one hold; the last release deletes the node (waiting out a connection loss).</summary>
    public async Task ReleaseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (HoldCount == 0) throw new InvalidOperationException($"the lock {Path} is not held by this instance");
            if (--HoldCount > 0) return;
            string node = NodePath!;
            NodePath = null;
            _session?.Dispose();
            _session = null;
            try
            {
                await Resilient.DeleteIfExistsAsync(_client, node).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SessionExpiredException or ObjectDisposedException)
            {
                // The session is gone, and the ephemeral node with it.
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Creates this contender's node and waits its turn; null on timeout.</summary>
    private async Task<string?> AttemptAsync(TimeSpan? timeout, CancellationToken ct)
    {
        long start = TimeProvider.System.GetTimestamp();
        await Resilient.EnsurePathAsync(_client, Path, ct).ConfigureAwait(false);
        var created = await Resilient.CreateProtectedAsync(_client, Path, _prefix, _data, CreateMode.EphemeralSequential, ct).ConfigureAwait(false);
        string myName = PathUtils.NameOf(created.Path);
        bool acquired = false;
        try
        {
            while (true)
            {
                var children = await Resilient.RunAsync(() => _client.GetChildrenAsync(Path, ct), ct).ConfigureAwait(false);
                var sorted = SequentialNode.Sorted(children.Children, "");
                int index = sorted.IndexOf(myName);
                if (index < 0) throw new InvalidOperationException($"the lock node {created.Path} was deleted by someone else");
                var (isHolder, watch) = _rule(sorted, index);
                if (isHolder)
                {
                    acquired = true;
                    return created.Path;
                }
                Watched<NodeData> watched;
                try
                {
                    // getData (not exists) so that a predecessor already gone leaves no watch behind.
                    watched = await Resilient.RunAsync(() => _client.GetDataWatchAsync(PathUtils.Combine(Path, watch!), ct), ct).ConfigureAwait(false);
                }
                catch (NoNodeException)
                {
                    continue;
                }
                var left = timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : (TimeSpan?)null;
                Volatile.Write(ref _waiting, 1);
                bool woken;
                try { woken = await Resilient.WaitAsync(watched.Changed, left, ct).ConfigureAwait(false); }
                finally { Volatile.Write(ref _waiting, 0); }
                if (!woken) return null;
                Interlocked.Increment(ref _notifications);
            }
        }
        finally
        {
            if (!acquired) await DeleteQuietlyAsync(created.Path).ConfigureAwait(false);
        }
    }

    private async Task DeleteQuietlyAsync(string node)
    {
        try
        {
            using var bound = new CancellationTokenSource(_client.SessionTimeout + TimeSpan.FromSeconds(5));
            await Resilient.DeleteIfExistsAsync(_client, node, bound.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SessionExpiredException or ObjectDisposedException or OperationCanceledException)
        {
            // An expired or closed session has removed the ephemeral node already.
        }
    }

    private sealed class Releaser(DistributedLock owner) : IAsyncDisposable
    {
        private int _done;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _done, 1) == 0 ? new ValueTask(owner.ReleaseAsync()) : ValueTask.CompletedTask;
    }
}
