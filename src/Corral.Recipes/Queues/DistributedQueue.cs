using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Queues;

/// <summary>
/// A distributed FIFO queue (the ZooKeeper queue recipe): each item is a persistent-sequential
/// node under <c>path</c>, created with a protected name so that a connection loss never enqueues
/// an item twice. A consumer takes the lowest item by reading it and deleting it (only the
/// consumer whose delete succeeds gets it). Waiting consumers watch the queue's children.
/// <para>Guarantees: items are taken in enqueue order (by sequence) and by exactly one consumer.
/// Delivery is at most once: if the connection breaks during a take's delete and the item is then
/// found gone, it is treated as taken by someone else. Use <see cref="LockingQueue"/> when an
/// item must survive a consumer that fails while processing it.</para>
/// </summary>
public class DistributedQueue
{
    internal const string ItemPrefix = "qn-";

    public DistributedQueue(CorralClient client, string path)
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        Client = client;
        Path = path;
    }

    protected CorralClient Client { get; }
    public string Path { get; }

    /// <summary>Adds an item; returns its node path.</summary>
    public virtual Task<string> EnqueueAsync(byte[] data, CancellationToken ct = default) => EnqueueNamedAsync(ItemPrefix, data, ct);

    protected async Task<string> EnqueueNamedAsync(string prefix, byte[] data, CancellationToken ct)
    {
        var node = await Resilient.CreateProtectedAsync(Client, Path, prefix, data, CreateMode.PersistentSequential, ct).ConfigureAwait(false);
        return node.Path;
    }

    /// <summary>The next item without removing it, or null when the queue is empty.</summary>
    public async Task<byte[]?> PeekAsync(CancellationToken ct = default)
    {
        foreach (var name in await OrderedItemsAsync(ct).ConfigureAwait(false))
        {
            try { return (await Client.GetDataAsync(PathUtils.Combine(Path, name), ct).ConfigureAwait(false)).Data ?? []; }
            catch (NoNodeException) { }
        }
        return null;
    }

    /// <summary>Takes the next item, or returns null at once when the queue is empty.</summary>
    public async Task<byte[]?> TryDequeueAsync(CancellationToken ct = default)
    {
        var children = await Resilient.RunAsync(() => ChildrenAsync(ct), ct).ConfigureAwait(false);
        return await TakeFirstAsync(children, ct).ConfigureAwait(false);
    }

    /// <summary>Takes the next item, waiting for one; null if <paramref name="timeout"/> passes first.</summary>
    public async Task<byte[]?> DequeueAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        long start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            Watched<NodeChildren> watched;
            try
            {
                watched = await Resilient.RunAsync(() => Client.GetChildrenWatchAsync(Path, ct), ct).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                await Resilient.EnsurePathAsync(Client, Path, ct).ConfigureAwait(false);
                continue;
            }
            if (await TakeFirstAsync(watched.Value.Children, ct).ConfigureAwait(false) is { } data) return data;
            var left = timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : (TimeSpan?)null;
            if (!await Resilient.WaitAsync(watched.Changed, left, ct).ConfigureAwait(false)) return null;
        }
    }

    private async Task<byte[]?> TakeFirstAsync(IReadOnlyList<string> children, CancellationToken ct)
    {
        foreach (var name in Order(children))
        {
            string item = PathUtils.Combine(Path, name);
            try
            {
                var data = await Resilient.RunAsync(() => Client.GetDataAsync(item, ct), ct).ConfigureAwait(false);
                await Resilient.RunAsync(() => Client.DeleteAsync(item, data.Stat.Version, ct), ct).ConfigureAwait(false);
                return data.Data ?? [];
            }
            catch (NoNodeException)
            {
                // Another consumer took it first.
            }
        }
        return null;
    }

    private async Task<IReadOnlyList<string>> ChildrenAsync(CancellationToken ct)
    {
        try { return (await Client.GetChildrenAsync(Path, ct).ConfigureAwait(false)).Children; }
        catch (NoNodeException) { return []; }
    }

    private async Task<List<string>> OrderedItemsAsync(CancellationToken ct) =>
        Order(await Resilient.RunAsync(() => ChildrenAsync(ct), ct).ConfigureAwait(false));

    /// <summary>Items in take order: by the name before the sequence (the priority, if any), then by sequence.</summary>
    internal static List<string> Order(IEnumerable<string> children) =>
        children.Select(c => (Name: c, Base: SequentialNode.BaseName(c), Seq: SequentialNode.SequenceOf(c)))
            .Where(c => c.Base.StartsWith(ItemPrefix, StringComparison.Ordinal) && c.Seq >= 0)
            .OrderBy(c => c.Base[..^10], StringComparer.Ordinal).ThenBy(c => c.Seq)
            .Select(c => c.Name).ToList();

    /// <summary>The number of items now.</summary>
    public async Task<int> CountAsync(CancellationToken ct = default) => (await OrderedItemsAsync(ct).ConfigureAwait(false)).Count;
}

/// <summary>
/// A distributed priority queue: like <see cref="DistributedQueue"/>, but items with a lower
/// priority number are taken first (FIFO among equal priorities). The priority is encoded in the
/// node name ("qn-&lt;8 hex digits&gt;-&lt;sequence&gt;"), so ordering needs no extra reads.
/// </summary>
public sealed class DistributedPriorityQueue(CorralClient client, string path) : DistributedQueue(client, path)
{
    /// <summary>Adds an item with priority 0.</summary>
    public override Task<string> EnqueueAsync(byte[] data, CancellationToken ct = default) => EnqueueAsync(data, 0, ct);

    public Task<string> EnqueueAsync(byte[] data, int priority, CancellationToken ct = default) =>
        EnqueueNamedAsync($"{ItemPrefix}{(uint)(priority ^ int.MinValue):x8}-", data, ct);
}
