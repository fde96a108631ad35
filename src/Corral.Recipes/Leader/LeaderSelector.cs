using Corral.Client;
using Corral.Protocol;
using Corral.Recipes.Locks;

namespace Corral.Recipes.Leader;

/// <summary>What a <see cref="LeaderSelector"/> leader is told: its fencing token and the node that proves its leadership.</summary>
public sealed record Leadership(long FencingToken, string NodePath)
{
    /// <summary>Adds a check of the leader's node to a transaction, so the write fails once leadership is gone.</summary>
    public Transaction Fence(Transaction tx) => tx.Check(NodePath, -1);
}

/// <summary>
/// Leader election that runs work (Curator's LeaderSelector): participants take turns holding a
/// <see cref="DistributedLock"/> at <c>path</c>; the holder runs <c>lead</c> and leadership ends
/// when it returns (then, with requeue, the participant queues again). The token passed to
/// <c>lead</c> is cancelled when the session expires (leadership lost) or the selector is
/// disposed; a mere connection loss does not cancel it (the lock node survives with the session).
/// Waiters watch only their predecessor, so a handover wakes one participant.
/// </summary>
public sealed class LeaderSelector : IAsyncDisposable
{
    private readonly DistributedLock _lock;
    private readonly Func<Leadership, CancellationToken, Task> _lead;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public LeaderSelector(CorralClient client, string path, Func<Leadership, CancellationToken, Task> lead, bool autoRequeue = true)
    {
        _lock = new DistributedLock(client, path);
        _lead = lead;
        AutoRequeue = autoRequeue;
    }

    public bool AutoRequeue { get; }
    public bool HasLeadership { get; private set; }
    /// <summary>How many terms this participant has led.</summary>
    public int Terms { get; private set; }

    public event Action<long>? LeadershipAcquired;
    public event Action? LeadershipLost;
    /// <summary>Raised when <c>lead</c> throws (the term ends; the selector keeps going).</summary>
    public event Action<Exception>? LeadFailed;

    public void Start()
    {
        if (_loop is not null) throw new InvalidOperationException("the selector is already started");
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            do
            {
                await _lock.AcquireAsync(stop).ConfigureAwait(false);
                var lost = _lock.Lost;
                using var term = CancellationTokenSource.CreateLinkedTokenSource(stop, lost);
                var leadership = new Leadership(SequentialNode.SequenceOf(_lock.NodePath!), _lock.NodePath!);
                HasLeadership = true;
                Terms++;
                LeadershipAcquired?.Invoke(leadership.FencingToken);
                try
                {
                    await _lead(leadership, term.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (term.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    LeadFailed?.Invoke(e);
                }
                finally
                {
                    HasLeadership = false;
                    LeadershipLost?.Invoke();
                    await _lock.ReleaseAsync().ConfigureAwait(false);
                }
                if (lost.IsCancellationRequested) return;
            } while (AutoRequeue && !stop.IsCancellationRequested);
        }
        catch (Exception e) when (e is OperationCanceledException or SessionExpiredException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops taking part; a running term is cancelled and the lock released.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        if (_loop is not null) await _loop.ConfigureAwait(false);
    }
}
