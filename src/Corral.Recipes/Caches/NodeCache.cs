using System.Runtime.CompilerServices;
using Corral.Client;

namespace Corral.Recipes.Caches;

/// <summary>
/// A local copy of one node (Curator's NodeCache), kept by one-shot data/exists watches; null while
/// the node does not exist. Same guarantees as <see cref="TreeCache"/>.
/// </summary>
public sealed class NodeCache(CorralClient client, string path) : IAsyncDisposable
{
    private readonly TreeCache _tree = new(client, path, maxDepth: 0, preferPersistentWatch: false);

    public string Path => _tree.Path;
    public NodeData? Current => _tree.Get(Path);

    public Task StartAsync(CancellationToken ct = default) => _tree.StartAsync(ct);

    /// <summary>The node's current data (null: absent), then every change.</summary>
    public async IAsyncEnumerable<NodeData?> WatchAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var snapshot in _tree.WatchAsync(ct).ConfigureAwait(false))
            yield return snapshot.Nodes.GetValueOrDefault(Path);
    }

    public ValueTask DisposeAsync() => _tree.DisposeAsync();
}
