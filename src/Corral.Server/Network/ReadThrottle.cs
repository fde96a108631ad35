namespace Corral.Server.Network;

/// <summary>
/// Backpressure for one connection. The reader must not run ahead of the core (requests queued for
/// the processing loop, counted in frames and bytes) nor of the client (response bytes queued but
/// not yet sent). When any exceeds its limit, <see cref="WaitForRoomAsync"/> parks the reader until
/// the backlog halves. Requests queued for the loop also count against the server-wide
/// <see cref="GlobalRequestLimit"/>, when there is one. Thread-safe: the reader, the processing
/// loop and the writer all update it.
/// </summary>
public sealed class ReadThrottle(long maxUnsentBytes, long maxQueuedInputBytes, int maxQueuedFrames, GlobalRequestLimit? global = null)
{
    private int _queuedFrames;
    private readonly TaskCompletionSource _releasedForever = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly object _lock = new();
    private long _unsentBytes;
    private long _queuedInputBytes;
    private bool _released;
    private TaskCompletionSource? _waiter;

    public long UnsentBytes { get { lock (_lock) return _unsentBytes; } }

    /// <summary>True while the reader is parked waiting for the backlog to drain.</summary>
    public bool IsReaderParked { get { lock (_lock) return _waiter is not null; } }

    private Action? _onDrained;

    public void AddUnsent(long bytes) { lock (_lock) _unsentBytes += bytes; }

    public void RemoveUnsent(long bytes)
    {
        Action? drained = null;
        lock (_lock)
        {
            _unsentBytes -= bytes;
            WakeIfRoom();
            if (_onDrained is not null && _unsentBytes <= maxUnsentBytes / 2)
            {
                drained = _onDrained;
                _onDrained = null;
            }
        }
        drained?.Invoke();
    }

    /// <summary>True while more response bytes are queued than the limit allows: the loop holds this connection's requests back.</summary>
    public bool OverUnsentLimit { get { lock (_lock) return !_released && _unsentBytes > maxUnsentBytes; } }

    /// <summary>
    /// Runs <paramref name="onDrained"/> once the unsent output has halved. Returns false (and does
    /// not register) when it already has room, so the caller carries on itself.
    /// </summary>
    public bool ResumeWhenDrained(Action onDrained)
    {
        lock (_lock)
        {
            if (_released || _unsentBytes <= maxUnsentBytes) return false;
            _onDrained = onDrained;
            return true;
        }
    }
    public void AddQueuedInput(long bytes)
    {
        global?.Add();
        lock (_lock) { _queuedInputBytes += bytes; _queuedFrames++; }
    }

    public void RemoveQueuedInput(long bytes, bool countedGlobally = true)
    {
        if (countedGlobally) global?.Remove();
        lock (_lock) { _queuedInputBytes -= bytes; _queuedFrames--; WakeIfRoom(); }
    }

    /// <summary>A queued request was held back by the loop: it no longer counts against the server-wide limit.</summary>
    public void LeaveGlobalCount() => global?.Remove();

    /// <summary>True while the reader may hand another frame to the loop.</summary>
    public bool HasRoom { get { lock (_lock) return _released || (WithinLimits() && (global?.HasRoom ?? true)); } }

    private bool WithinLimits() =>
        _unsentBytes <= maxUnsentBytes && _queuedInputBytes <= maxQueuedInputBytes && _queuedFrames < maxQueuedFrames;

    /// <summary>Lets any parked reader go for good (the connection is closing).</summary>
    public void ReleaseForever()
    {
        lock (_lock)
        {
            _released = true;
            _releasedForever.TrySetResult();
            _onDrained?.Invoke(); // the loop drops or finishes what it held back
            _onDrained = null;
            _waiter?.TrySetResult();
            _waiter = null;
        }
    }

    public Task WaitForRoomAsync()
    {
        lock (_lock)
        {
            if (_released) return Task.CompletedTask;
            if (WithinLimits())
            {
                if (global is null || global.HasRoom) return Task.CompletedTask;
                // Server-wide backlog: wait for it to drain, unless this connection is released first.
                return Task.WhenAny(global.WaitForRoomAsync(), _releasedForever.Task);
            }
            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task;
        }
    }

    private void WakeIfRoom()
    {
        // Hysteresis: resume only when the backlog has halved, so the reader does not flap per frame.
        if (_waiter is not null && _unsentBytes <= maxUnsentBytes / 2 && _queuedInputBytes <= maxQueuedInputBytes / 2
            && _queuedFrames <= maxQueuedFrames / 2)
        {
            _waiter.TrySetResult();
            _waiter = null;
        }
    }
}
