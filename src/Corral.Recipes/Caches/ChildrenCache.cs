using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Caches;

/// <summary>
/// A local copy of a node's children and their data (Curator's PathChildrenCache), keyed by child
/// name, kept by a one-shot children watch on the parent and a one-shot data watch per child. Same
/// guarantees as <see cref="TreeCache"/>.
/// </summary>
public sealed class ChildrenCache(CorralClient client, string path) : IAsyncDisposable
{
    private readonly TreeCache _tree = new(client, path, maxDepth: 1, preferPersistentWatch: false);

    public string Path => _tree.Path;
    public ImmutableSortedDictionary<string, NodeData> Current => ChildrenOf(_tree.Current);

    public Task StartAsync(CancellationToken ct = default) => _tree.StartAsync(ct);

    /// <summary>The current children, then the children after every change.</summary>
    public async IAsyncEnumerable<ImmutableSortedDictionary<string, NodeData>> WatchAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        ImmutableSortedDictionary<string, NodeData>? last = null;
        await foreach (var snapshot in _tree.WatchAsync(ct).ConfigureAwait(false))
        {
            var children = ChildrenOf(snapshot);
            // The parent's own data changing is not a change of the children.
            if (last is not null && last.Count == children.Count && last.All(kv => children.TryGetValue(kv.Key, out var v) && v.Stat == kv.Value.Stat))
                continue;
            last = children;
            yield return children;
        }
    }

    private ImmutableSortedDictionary<string, NodeData> ChildrenOf(TreeSnapshot snapshot) =>
        snapshot.Nodes.Where(kv => kv.Key != Path).ToImmutableSortedDictionary(kv => PathUtils.NameOf(kv.Key), kv => kv.Value, StringComparer.Ordinal);

    public ValueTask DisposeAsync() => _tree.DisposeAsync();
}
