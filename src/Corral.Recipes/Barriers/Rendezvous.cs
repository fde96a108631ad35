using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Barriers;

/// <summary>
/// The paper's rendezvous: a coordinator creates the node at <c>path</c> and hands its path to
/// workers it starts; once it knows the information to share (addresses, ports), it
/// <see cref="PublishAsync"/>es it into the node. Workers <see cref="WaitAsync"/> until the node
/// holds data, watching it rather than polling. Connection loss is waited out.
/// </summary>
public sealed class Rendezvous(CorralClient client, string path)
{
    public string Path { get; } = PathUtils.Validate(path) is { } reason ? throw new ArgumentException(reason, nameof(path)) : path;

    /// <summary>Creates the empty rendezvous node (before starting the workers).</summary>
    public Task CreateAsync(CancellationToken ct = default) => Resilient.EnsurePathAsync(client, Path, ct);

    /// <summary>Fills in the shared information, releasing every waiting worker.</summary>
    public Task PublishAsync(byte[] data, CancellationToken ct = default)
    {
        if (data.Length == 0) throw new ArgumentException("rendezvous data must not be empty (empty means not yet published)", nameof(data));
        return Resilient.RunAsync(async () =>
        {
            try { await client.SetDataAsync(Path, data, -1, ct).ConfigureAwait(false); }
            catch (NoNodeException) { await client.CreateWithParentsAsync(Path, data, CreateMode.Persistent, null, null, ct).ConfigureAwait(false); }
        }, ct);
    }

    /// <summary>Waits until the information is published and returns it; null if <paramref name="timeout"/> passes first.</summary>
    public async Task<byte[]?> WaitAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        long start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            Task changed;
            try
            {
                var node = await Resilient.RunAsync(() => client.GetDataWatchAsync(Path, ct), ct).ConfigureAwait(false);
                if (node.Value.Data is { Length: > 0 } published) return published;
                changed = node.Changed;
            }
            catch (NoNodeException)
            {
                var exists = await Resilient.RunAsync(() => client.ExistsWatchAsync(Path, ct), ct).ConfigureAwait(false);
                if (exists.Value is not null) continue;
                changed = exists.Changed;
            }
            var left = timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : (TimeSpan?)null;
            if (!await Resilient.WaitAsync(changed, left, ct).ConfigureAwait(false)) return null;
        }
    }
}
