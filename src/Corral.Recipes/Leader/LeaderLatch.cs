using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Leader;

/// <summary>
/// Leader election as a latch (Curator's LeaderLatch; the ZooKeeper election recipe). Each
/// participant creates a protected ephemeral-sequential node under <c>path</c>; the lowest
/// sequence is the leader, and every other participant watches only its predecessor.
/// <para>Guarantees: at most one participant believes it leads while sessions are alive.
/// Leadership survives a connection loss (the node lives as long as the session); when the session
/// expires <see cref="LeadershipLost"/> is raised and the latch stops (a new client must start a
/// new latch). <see cref="FencingToken"/> (the node's sequence) grows with every new leader, so a
/// resource that remembers the highest token it has seen can reject a deposed leader; and
/// <see cref="Fence"/> makes a ZooKeeper transaction fail unless this leader's node still exists.</para>
/// </summary>
public sealed class LeaderLatch : IAsyncDisposable
{
    private readonly CorralClient _client;
    private readonly byte[] _id;
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _leader = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SessionWatcher? _session;
    private Task? _loop;
    private int _notifications;

    public LeaderLatch(CorralClient client, string path, string participantId = "")
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        _client = client;
        Path = path;
        ParticipantId = participantId;
        _id = System.Text.Encoding.UTF8.GetBytes(participantId);
    }

    public string Path { get; }
    public string ParticipantId { get; }
    public string? NodePath { get; private set; }
    public bool IsLeader { get; private set; }
    /// <summary>This participant's node sequence: larger for every later leader.</summary>
    public long FencingToken => NodePath is null ? -1 : SequentialNode.SequenceOf(PathUtils.NameOf(NodePath));
    /// <summary>How many predecessor notifications this participant received (one per change ahead of it).</summary>
    public int Notifications => Volatile.Read(ref _notifications);

    /// <summary>True while this participant waits with a watch set on its predecessor.</summary>
    public bool IsWaiting => Volatile.Read(ref _waiting) != 0;
    private int _waiting;

    /// <summary>Raised (with the fencing token) when this participant becomes leader.</summary>
    public event Action<long>? LeadershipAcquired;
    /// <summary>Raised when this participant stops being leader (closed, or its session expired).</summary>
    public event Action? LeadershipLost;

    /// <summary>Joins the election; returns once this participant's node exists.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (_loop is not null) throw new InvalidOperationException("the latch is already started");
        _session = new SessionWatcher(_client);
        await Resilient.EnsurePathAsync(_client, Path, ct).ConfigureAwait(false);
        var node = await Resilient.CreateProtectedAsync(_client, Path, "latch-", _id, CreateMode.EphemeralSequential, ct).ConfigureAwait(false);
        NodePath = node.Path;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Completes when this participant is leader.</summary>
    public Task WaitForLeadershipAsync(CancellationToken ct = default) => Volatile.Read(ref _leader).Task.WaitAsync(ct);

    /// <summary>Adds a check of this leader's node to <paramref name="tx"/>: the whole transaction fails once leadership is gone.</summary>
    public Transaction Fence(Transaction tx) =>
        tx.Check(NodePath ?? throw new InvalidOperationException("the latch is not started"), -1);

    /// <summary>The current leader's participant id, or null when there is none.</summary>
    public async Task<string?> GetLeaderIdAsync(CancellationToken ct = default)
    {
        var children = await Resilient.RunAsync(() => _client.GetChildrenAsync(Path, ct), ct).ConfigureAwait(false);
        foreach (var name in SequentialNode.Sorted(children.Children, "latch-"))
        {
            try { return (await _client.GetDataAsync(PathUtils.Combine(Path, name), ct).ConfigureAwait(false)).DataAsString; }
            catch (NoNodeException) { }
        }
        return null;
    }

    private async Task RunAsync(CancellationToken stop)
    {
        string myName = PathUtils.NameOf(NodePath!);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _session!.Lost);
        var ct = linked.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var children = await Resilient.RunAsync(() => _client.GetChildrenAsync(Path, ct), ct).ConfigureAwait(false);
                var sorted = SequentialNode.Sorted(children.Children, "latch-");
                int index = sorted.IndexOf(myName);
                if (index < 0) return; // our node was removed (by an administrator): we are out of the election
                if (index == 0)
                {
                    SetLeader(true);
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                try
                {
                    var watched = await Resilient.RunAsync(() => _client.GetDataWatchAsync(PathUtils.Combine(Path, sorted[index - 1]), ct), ct).ConfigureAwait(false);
                    Volatile.Write(ref _waiting, 1);
                    try { await watched.Changed.WaitAsync(ct).ConfigureAwait(false); }
                    finally { Volatile.Write(ref _waiting, 0); }
                    Interlocked.Increment(ref _notifications);
                }
                catch (NoNodeException)
                {
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SessionExpiredException or ObjectDisposedException)
        {
        }
        finally
        {
            SetLeader(false);
        }
    }

    private void SetLeader(bool leader)
    {
        if (IsLeader == leader) return;
        IsLeader = leader;
        if (leader)
        {
            Volatile.Read(ref _leader).TrySetResult();
            LeadershipAcquired?.Invoke(FencingToken);
        }
        else
        {
            Volatile.Write(ref _leader, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            LeadershipLost?.Invoke();
        }
    }

    /// <summary>Leaves the election: stops the latch and deletes its node.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _session?.Dispose();
        if (NodePath is { } node)
        {
            try { await Resilient.DeleteIfExistsAsync(_client, node).ConfigureAwait(false); }
            catch (Exception e) when (e is SessionExpiredException or ObjectDisposedException) { }
        }
    }
}
