using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Queues;

/// <summary>
/// A queue whose items stay claimed until processed (Curator's DistributedQueue with a lock path).
/// Items are persistent-sequential nodes under <c>path/items</c>; a consumer claims one by creating
/// the ephemeral node <c>path/claims/&lt;item&gt;</c>. <see cref="QueueClaim.CompleteAsync"/> deletes
/// item and claim in one transaction; <see cref="QueueClaim.DisposeAsync"/> without completing
/// gives the item back; a consumer whose session dies loses its claim with its session, so the
/// item becomes available again. Delivery is therefore at least once; items are offered in
/// enqueue order, though a claimed item is skipped and may complete after later ones.
/// </summary>
public sealed class LockingQueue
{
    private readonly CorralClient _client;
    private readonly string _items;
    private readonly string _claims;

    public LockingQueue(CorralClient client, string path)
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        _client = client;
        Path = path;
        _items = PathUtils.Combine(path, "items");
        _claims = PathUtils.Combine(path, "claims");
    }

    public string Path { get; }

    public async Task<string> EnqueueAsync(byte[] data, CancellationToken ct = default)
    {
        var node = await Resilient.CreateProtectedAsync(_client, _items, DistributedQueue.ItemPrefix, data, CreateMode.PersistentSequential, ct).ConfigureAwait(false);
        return node.Path;
    }

    /// <summary>Claims the next unclaimed item, waiting for one; null if <paramref name="timeout"/> passes first.</summary>
    public async Task<QueueClaim?> ClaimAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        long start = TimeProvider.System.GetTimestamp();
        await Resilient.EnsurePathAsync(_client, _items, ct).ConfigureAwait(false);
        await Resilient.EnsurePathAsync(_client, _claims, ct).ConfigureAwait(false);
        while (true)
        {
            var items = await Resilient.RunAsync(() => _client.GetChildrenWatchAsync(_items, ct), ct).ConfigureAwait(false);
            var claims = await Resilient.RunAsync(() => _client.GetChildrenWatchAsync(_claims, ct), ct).ConfigureAwait(false);
            var claimed = claims.Value.Children.ToHashSet();
            foreach (var name in DistributedQueue.Order(items.Value.Children))
            {
                if (claimed.Contains(name)) continue;
                if (await TryClaimAsync(name, ct).ConfigureAwait(false) is { } claim) return claim;
            }
            // Nothing free: wait until an item is added or a claim is given back.
            var left = timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : (TimeSpan?)null;
            if (!await Resilient.WaitAsync(Task.WhenAny(items.Changed, claims.Changed).Unwrap(), left, ct).ConfigureAwait(false)) return null;
        }
    }

    private async Task<QueueClaim?> TryClaimAsync(string name, CancellationToken ct)
    {
        string claimPath = PathUtils.Combine(_claims, name);
        string itemPath = PathUtils.Combine(_items, name);
        bool mine = await Resilient.RunAsync(async () =>
        {
            try
            {
                await _client.CreateAsync(claimPath, [], CreateMode.Ephemeral, null, null, ct).ConfigureAwait(false);
                return true;
            }
            catch (NodeExistsException)
            {
                // After a connection loss the claim we asked for may be ours already.
                var stat = await _client.ExistsAsync(claimPath, ct).ConfigureAwait(false);
                return stat is { } s && s.EphemeralOwner == _client.SessionId;
            }
        }, ct).ConfigureAwait(false);
        if (!mine) return null;
        try
        {
            var data = await Resilient.RunAsync(() => _client.GetDataAsync(itemPath, ct), ct).ConfigureAwait(false);
            return new QueueClaim(_client, itemPath, claimPath, data.Data ?? []);
        }
        catch (NoNodeException)
        {
            // Completed by its previous claimant between our listing and our claim.
            await Resilient.DeleteIfExistsAsync(_client, claimPath).ConfigureAwait(false);
            return null;
        }
    }
}

/// <summary>An item claimed from a <see cref="LockingQueue"/>: complete it, or dispose to give it back.</summary>
public sealed class QueueClaim : IAsyncDisposable
{
    private readonly CorralClient _client;
    private readonly string _claimPath;
    private int _done;

    internal QueueClaim(CorralClient client, string itemPath, string claimPath, byte[] data)
    {
        _client = client;
        ItemPath = itemPath;
        _claimPath = claimPath;
        Data = data;
    }

    public string ItemPath { get; }
    public byte[] Data { get; }

    /// <summary>Removes the item for good (item and claim deleted atomically).</summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) throw new InvalidOperationException("the claim is already finished");
        await Resilient.RunAsync(async () =>
        {
            try
            {
                await _client.Transaction().Delete(ItemPath).Delete(_claimPath).CommitAsync(ct).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ErrorCode.NoNode)
            {
                // (The client reports multi failures as the base ZooKeeperException, so match the code.)
                // A retry after a connection loss finds the transaction already applied (it is
                // all-or-nothing, and only the claim holder completes an item).
                if (await _client.ExistsAsync(_claimPath, ct).ConfigureAwait(false) is not null) throw;
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Gives the item back unless it was completed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) return;
        try { await Resilient.DeleteIfExistsAsync(_client, _claimPath).ConfigureAwait(false); }
        catch (Exception e) when (e is SessionExpiredException or ObjectDisposedException) { }
    }
}
