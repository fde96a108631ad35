using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Barriers;

/// <summary>
/// A barrier (the ZooKeeper barrier recipe; Curator's DistributedBarrier): while the node at
/// <c>path</c> exists, <see cref="WaitAsync"/> blocks; removing it releases every waiter at once
/// (each waiter holds one exists-watch on the node). Connection loss is waited out; a session
/// expiry makes the wait throw <see cref="SessionExpiredException"/>.
/// </summary>
public sealed class DistributedBarrier(CorralClient client, string path)
{
    public string Path { get; } = PathUtils.Validate(path) is { } reason ? throw new ArgumentException(reason, nameof(path)) : path;

    /// <summary>Raises the barrier (creating the node; already raised is fine).</summary>
    public Task SetAsync(CancellationToken ct = default) =>
        Resilient.RunAsync(async () =>
        {
            try { await client.CreateWithParentsAsync(Path, [], CreateMode.Persistent, null, null, ct).ConfigureAwait(false); }
            catch (NodeExistsException) { }
        }, ct);

    /// <summary>Removes the barrier, releasing every waiter.</summary>
    public Task RemoveAsync(CancellationToken ct = default) => Resilient.DeleteIfExistsAsync(client, Path, ct);

    /// <summary>Waits until the barrier is removed; false if <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        long start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var watched = await Resilient.RunAsync(() => client.ExistsWatchAsync(Path, ct), ct).ConfigureAwait(false);
            if (watched.Value is null) return true;
            var left = timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : (TimeSpan?)null;
            if (!await Resilient.WaitAsync(watched.Changed, left, ct).ConfigureAwait(false)) return false;
        }
    }
}
