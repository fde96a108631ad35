using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Barriers;

/// <summary>
/// A double barrier (the ZooKeeper recipe; Curator's DistributedDoubleBarrier): <c>size</c>
/// participants each <see cref="EnterAsync"/>, and nobody proceeds until all have entered; later
/// each <see cref="LeaveAsync"/>s, and nobody finishes leaving until all have left. Participants
/// are ephemeral children named by their (unique) <c>memberId</c>; the last to enter creates the
/// "ready" node that releases the others. Leaving follows the recipe that avoids a herd: the lowest
/// member waits for the highest, everyone else deletes its node and waits for the lowest.
/// <para>One round per path: use a fresh path for each round. A member whose session expires is
/// gone (its node is ephemeral), and its waits throw <see cref="SessionExpiredException"/>.</para>
/// </summary>
public sealed class DoubleBarrier
{
    private const string ReadyName = "ready";
    private readonly CorralClient _client;
    private readonly string _myPath;
    private readonly string _readyPath;

    public DoubleBarrier(CorralClient client, string path, string memberId, int size)
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        if (memberId.Length == 0 || memberId.Contains('/') || memberId == ReadyName) throw new ArgumentException("bad member id", nameof(memberId));
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _client = client;
        Path = path;
        Size = size;
        _myPath = PathUtils.Combine(path, memberId);
        _readyPath = PathUtils.Combine(path, ReadyName);
    }

    public string Path { get; }
    public int Size { get; }

    /// <summary>Joins and waits until <see cref="Size"/> members have joined; false (and joined no more) on timeout.</summary>
    public async Task<bool> EnterAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        long start = TimeProvider.System.GetTimestamp();
        await Resilient.EnsurePathAsync(_client, Path, ct).ConfigureAwait(false);
        // Watch "ready" before joining, so its creation cannot slip between our join and our look.
        var ready = await Resilient.RunAsync(() => _client.ExistsWatchAsync(_readyPath, ct), ct).ConfigureAwait(false);
        await CreateMineAsync(ct).ConfigureAwait(false);
        if (ready.Value is not null) return true;
        var members = await MembersAsync(ct).ConfigureAwait(false);
        if (members.Count >= Size)
        {
            await Resilient.RunAsync(async () =>
            {
                try { await _client.CreateAsync(_readyPath, [], CreateMode.Persistent, null, null, ct).ConfigureAwait(false); }
                catch (NodeExistsException) { }
            }, ct).ConfigureAwait(false);
            return true;
        }
        var left = timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : (TimeSpan?)null;
        if (await Resilient.WaitAsync(ready.Changed, left, ct).ConfigureAwait(false)) return true;
        await Resilient.DeleteIfExistsAsync(_client, _myPath).ConfigureAwait(false);
        return false;
    }

    /// <summary>Leaves and waits until every member has left; false on timeout.</summary>
    public async Task<bool> LeaveAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        long start = TimeProvider.System.GetTimestamp();
        string me = PathUtils.NameOf(_myPath);
        while (true)
        {
            var members = await MembersAsync(ct).ConfigureAwait(false);
            if (members.Count == 0 || (members.Count == 1 && members[0] == me))
            {
                await Resilient.DeleteIfExistsAsync(_client, _myPath, ct).ConfigureAwait(false);
                await Resilient.DeleteIfExistsAsync(_client, _readyPath, ct).ConfigureAwait(false);
                return true;
            }
            string lowest = members[0], highest = members[^1];
            string waitFor;
            if (lowest == me) waitFor = highest;
            else
            {
                await Resilient.DeleteIfExistsAsync(_client, _myPath, ct).ConfigureAwait(false);
                waitFor = lowest;
            }
            var watched = await Resilient.RunAsync(() => _client.ExistsWatchAsync(PathUtils.Combine(Path, waitFor), ct), ct).ConfigureAwait(false);
            if (watched.Value is null) continue;
            var left = timeout is { } t ? t - TimeProvider.System.GetElapsedTime(start) : (TimeSpan?)null;
            if (!await Resilient.WaitAsync(watched.Changed, left, ct).ConfigureAwait(false)) return false;
        }
    }

    /// <summary>Creates this member's ephemeral node; after a connection loss our own node counts as created.</summary>
    private Task CreateMineAsync(CancellationToken ct) =>
        Resilient.RunAsync(async () =>
        {
            try
            {
                await _client.CreateAsync(_myPath, [], CreateMode.Ephemeral, null, null, ct).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
                var stat = await _client.ExistsAsync(_myPath, ct).ConfigureAwait(false);
                if (stat is { } s && s.EphemeralOwner != _client.SessionId)
                    throw new InvalidOperationException($"member {_myPath} is already taken by another session");
            }
        }, ct);

    private async Task<List<string>> MembersAsync(CancellationToken ct)
    {
        var children = await Resilient.RunAsync(() => _client.GetChildrenAsync(Path, ct), ct).ConfigureAwait(false);
        return children.Children.Where(c => c != ReadyName).OrderBy(c => c, StringComparer.Ordinal).ToList();
    }
}
