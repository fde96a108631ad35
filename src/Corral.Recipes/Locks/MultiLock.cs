namespace Corral.Recipes.Locks;

/// <summary>
/// Several locks taken as one (Curator's InterProcessMultiLock): acquired in the given order,
/// released in reverse. If any cannot be taken (timeout, cancellation, session loss) the ones
/// already held are released before the failure is reported, so it is all or nothing. Callers
/// that take overlapping sets must list the locks in one global order to avoid deadlock.
/// </summary>
public sealed class MultiLock(IEnumerable<DistributedLock> locks)
{
    private readonly IReadOnlyList<DistributedLock> _locks = locks.ToList();

    public bool IsHeld => _locks.All(l => l.IsHeld);

    public async Task AcquireAsync(CancellationToken ct = default)
    {
        if (!await AcquireCoreAsync(null, ct).ConfigureAwait(false))
            throw new InvalidOperationException("acquire without a timeout cannot time out");
    }

    /// <summary>False, holding none of the locks, if all could not be held within <paramref name="timeout"/>.</summary>
    public Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken ct = default) => AcquireCoreAsync(timeout, ct);

    private async Task<bool> AcquireCoreAsync(TimeSpan? timeout, CancellationToken ct)
    {
        long start = TimeProvider.System.GetTimestamp();
        var held = new List<DistributedLock>();
        bool success = false;
        try
        {
            foreach (var l in _locks)
            {
                if (timeout is { } t)
                {
                    var left = t - TimeProvider.System.GetElapsedTime(start);
                    if (left < TimeSpan.Zero || !await l.TryAcquireAsync(left, ct).ConfigureAwait(false)) return false;
                }
                else await l.AcquireAsync(ct).ConfigureAwait(false);
                held.Add(l);
            }
            success = true;
            return true;
        }
        finally
        {
            if (!success)
                for (int i = held.Count - 1; i >= 0; i--) await held[i].ReleaseAsync().ConfigureAwait(false);
        }
    }

    public async Task ReleaseAsync()
    {
        for (int i = _locks.Count - 1; i >= 0; i--) await _locks[i].ReleaseAsync().ConfigureAwait(false);
    }
}
