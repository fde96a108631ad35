using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Locks;

/// <summary>
/// A counting semaphore with leases (Curator's InterProcessSemaphoreV2). A lease is an ephemeral
/// node under <c>path/leases</c>; at most <c>maxLeases</c> exist at once. Contenders first queue
/// on a mutex at <c>path/lock</c> (so waiters form a line with no herd effect); only the mutex
/// holder watches the lease directory, takes a lease as soon as fewer than maxLeases exist, and
/// then lets the next contender in.
/// <para>Every participant must use the same maxLeases. A lease lives as long as its session: an
/// expired session frees its lease (the node is ephemeral) and cancels <see cref="Lease.Lost"/>.</para>
/// </summary>
public sealed class DistributedSemaphore
{
    private readonly CorralClient _client;
    private readonly DistributedLock _mutex;
    private readonly string _leases;

    public DistributedSemaphore(CorralClient client, string path, int maxLeases)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLeases, 1);
        _client = client;
        MaxLeases = maxLeases;
        _mutex = new DistributedLock(client, PathUtils.Combine(path, "lock"));
        _leases = PathUtils.Combine(path, "leases");
    }

    public int MaxLeases { get; }

    public async Task<Lease> AcquireAsync(CancellationToken ct = default) =>
        await AcquireCoreAsync(null, ct).ConfigureAwait(false) ?? throw new InvalidOperationException("acquire without a timeout cannot time out");

    /// <summary>A lease, or null if none was free within <paramref name="timeout"/>.</summary>
    public Task<Lease?> TryAcquireAsync(TimeSpan timeout, CancellationToken ct = default) => AcquireCoreAsync(timeout, ct);

    private async Task<Lease?> AcquireCoreAsync(TimeSpan? timeout, CancellationToken ct)
    {
        long start = TimeProvider.System.GetTimestamp();
        TimeSpan? Left() => timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : null;
        if (timeout is { } t0) { if (!await _mutex.TryAcquireAsync(t0, ct).ConfigureAwait(false)) return null; }
        else await _mutex.AcquireAsync(ct).ConfigureAwait(false);
        try
        {
            await Resilient.EnsurePathAsync(_client, _leases, ct).ConfigureAwait(false);
            var node = await Resilient.CreateProtectedAsync(_client, _leases, "lease-", [], CreateMode.EphemeralSequential, ct).ConfigureAwait(false);
            bool granted = false;
            try
            {
                while (true)
                {
                    var children = await Resilient.RunAsync(() => _client.GetChildrenWatchAsync(_leases, ct), ct).ConfigureAwait(false);
                    var sorted = SequentialNode.Sorted(children.Value.Children, "lease-");
                    // Our node counts itself; older leases come first, so ours is granted when it ranks within maxLeases.
                    if (sorted.IndexOf(PathUtils.NameOf(node.Path)) is >= 0 and var i && i < MaxLeases)
                    {
                        granted = true;
                        return new Lease(_client, node.Path);
                    }
                    if (!await Resilient.WaitAsync(children.Changed, Left(), ct).ConfigureAwait(false)) return null;
                }
            }
            finally
            {
                if (!granted) await Resilient.DeleteIfExistsAsync(_client, node.Path).ConfigureAwait(false);
            }
        }
        finally
        {
            await _mutex.ReleaseAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>One permit of a <see cref="DistributedSemaphore"/>; disposing returns it.</summary>
public sealed class Lease : IAsyncDisposable
{
    private readonly CorralClient _client;
    private readonly SessionWatcher _session;
    private int _returned;

    internal Lease(CorralClient client, string nodePath)
    {
        _client = client;
        NodePath = nodePath;
        _session = new SessionWatcher(client);
    }

    public string NodePath { get; }
    /// <summary>Cancelled if the session expires: the lease is gone.</summary>
    public CancellationToken Lost => _session.Lost;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _returned, 1) != 0) return;
        _session.Dispose();
        try { await Resilient.DeleteIfExistsAsync(_client, NodePath).ConfigureAwait(false); }
        catch (Exception e) when (e is SessionExpiredException or ObjectDisposedException) { }
    }
}
