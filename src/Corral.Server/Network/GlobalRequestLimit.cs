namespace Corral.Server.Network;

/// <summary>
/// globalOutstandingLimit: requests read from any socket and not yet taken by the processing loop.
/// At the limit every reader stops reading (TCP flow control then holds the clients back) instead
/// of queuing more in memory; they resume together once the backlog has halved. Thread-safe.
/// </summary>
public sealed class GlobalRequestLimit(int limit)
{
    private readonly object _lock = new();
    private int _queued;
    private TaskCompletionSource? _waiters;

    public int Limit => limit;

    /// <summary>Requests queued for the loop right now.</summary>
    public int Queued { get { lock (_lock) return _queued; } }

    public bool HasRoom { get { lock (_lock) return _queued < limit; } }

    public void Add() { lock (_lock) _queued++; }

    public void Remove()
    {
        lock (_lock)
        {
            _queued--;
            if (_waiters is not null && _queued <= limit / 2)
            {
                _waiters.TrySetResult();
                _waiters = null;
            }
        }
    }

    /// <summary>Completes when there is room again (at once if there is room now).</summary>
    public Task WaitForRoomAsync()
    {
        lock (_lock)
        {
            if (_queued < limit) return Task.CompletedTask;
            _waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiters.Task;
        }
    }
}
