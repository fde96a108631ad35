using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Corral.Client;
using Corral.Protocol;
using Corral.Recipes.Caches;

namespace Corral.Recipes.Membership;

/// <summary>
/// The live member list of a group, kept by a <see cref="ChildrenCache"/>: members in join order,
/// with their current payloads. <see cref="WatchAsync"/> yields the list now and after every join,
/// leave (including a member's session expiring) or payload change.
/// </summary>
public sealed class GroupView(CorralClient client, string groupPath) : IAsyncDisposable
{
    private readonly ChildrenCache _cache = new(client, groupPath);

    public string GroupPath => _cache.Path;
    public IReadOnlyList<Member> Members => ToMembers(_cache.Current);

    public Task StartAsync(CancellationToken ct = default) => _cache.StartAsync(ct);

    public async IAsyncEnumerable<IReadOnlyList<Member>> WatchAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var children in _cache.WatchAsync(ct).ConfigureAwait(false)) yield return ToMembers(children);
    }

    private IReadOnlyList<Member> ToMembers(ImmutableSortedDictionary<string, NodeData> children) =>
        children.Select(kv => (Name: kv.Key, Data: kv.Value, Seq: SequentialNode.SequenceOf(kv.Key)))
            .Where(c => c.Seq >= 0 && SequentialNode.BaseName(c.Name).Length > 11)
            .OrderBy(c => c.Seq)
            .Select(c =>
            {
                string baseName = SequentialNode.BaseName(c.Name);
                return new Member(baseName[..^11], PathUtils.Combine(GroupPath, c.Name), c.Seq, c.Data.Data ?? []);
            })
            .ToList();

    public ValueTask DisposeAsync() => _cache.DisposeAsync();
}
