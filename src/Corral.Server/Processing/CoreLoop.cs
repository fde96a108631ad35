using System.Buffers;
using System.Threading.Channels;
using Corral.Server.Network;
using Microsoft.Extensions.Logging;

namespace Corral.Server.Processing;

/// <summary>
/// The single processing loop that owns the core. Socket readers post work items (a frame, a
/// disconnect, a query from a four-letter word); a timer posts ticks. One consumer drains the channel,
/// so the core is only ever entered from one place at a time, in arrival order. After each batch the
/// loop wakes the writer of every connection that got output, so each connection sends one batch
/// per loop iteration rather than one syscall per frame.
/// </summary>
public sealed class CoreLoop : IAsyncDisposable
{
    /// <summary>Frames handled before the loop flushes output even if more input is waiting.</summary>
    private const int MaxItemsPerBatch = 512;

    private readonly IHostedCore _core;
    private readonly IDiskBackpressure? _disk;
    private readonly List<ClientConnection> _waitingForDisk = [];
    private bool _diskResumeRegistered;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Channel<WorkItem> _channel =
        Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<ClientConnection> _dirty = [];
    private readonly CancellationTokenSource _stopTicks = new();
    private readonly Task _loop;
    private readonly Task _ticker;

    public CoreLoop(IHostedCore core, TimeSpan tickInterval, TimeProvider time, ILogger log)
    {
        _core = core;
        _disk = core as IDiskBackpressure;
        _time = time;
        _log = log;
        Statistics = new ServerStatistics(time);
        _loop = Task.Run(RunAsync);
        _ticker = Task.Run(() => TickAsync(tickInterval));
    }

    /// <summary>Loop only: server-wide counters (read them through <see cref="InvokeAsync{T}"/>).</summary>
    public ServerStatistics Statistics { get; }

    public IHostedCore Core => _core;

    /// <summary>Loop only: connections whose requests are held until the log catches up (write throttling).</summary>
    public int ConnectionsWaitingForDisk => _waitingForDisk.Count;

    private bool DiskBehind => _disk is { DiskBehind: true };

    /// <summary>Called by connections when they queue output; loop thread only.</summary>
    internal void MarkDirty(ClientConnection connection) => _dirty.Add(connection);

    /// <summary>Posts one frame payload (in a pooled buffer the loop returns) from a socket reader.</summary>
    public void PostFrame(ClientConnection connection, byte[] pooledBuffer, int length, long receivedTimestamp)
    {
        connection.Throttle.AddQueuedInput(length);
        if (!_channel.Writer.TryWrite(new WorkItem(WorkKind.Frame, connection, pooledBuffer, length, receivedTimestamp, null)))
        {
            connection.Throttle.RemoveQueuedInput(length);
            ArrayPool<byte>.Shared.Return(pooledBuffer);
        }
    }

    /// <summary>Posts the end of a connection; the loop tells the core, then lets the writer finish.</summary>
    public void PostDisconnected(ClientConnection connection)
    {
        if (!_channel.Writer.TryWrite(new WorkItem(WorkKind.Disconnected, connection, null, 0, 0, null)))
            connection.Output.Complete();
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the loop, after the work already queued (storage posts
    /// "durable up to zxid" reports and snapshot slices this way). False once the loop has stopped.
    /// An exception from the action is the caller's bug: it is logged and the loop goes on.
    /// </summary>
    public bool Post(Action action) =>
        _channel.Writer.TryWrite(new WorkItem(WorkKind.Action, null, null, 0, 0, () => Guard("posted action", action)));

    /// <summary>Runs <paramref name="query"/> on the loop (where core state may be read) and returns its result.</summary>
    public Task<T> InvokeAsync<T>(Func<T> query)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            try { done.SetResult(query()); }
            catch (Exception e) { done.SetException(e); }
        }
        if (!_channel.Writer.TryWrite(new WorkItem(WorkKind.Action, null, null, 0, 0, Run)))
            done.SetException(new ObjectDisposedException(nameof(CoreLoop)));
        return done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            int handled = 0;
            while (handled < MaxItemsPerBatch && reader.TryRead(out var item))
            {
                Process(item);
                handled++;
            }
            FlushDirty();
        }
    }

    private void Process(in WorkItem item)
    {
        switch (item.Kind)
        {
            case WorkKind.Frame: HoldBackOrProcess(item); break;
            case WorkKind.Resume: ResumeHeldBack(item.Connection!); break;
            case WorkKind.Disconnected: ProcessDisconnected(item.Connection!); break;
            case WorkKind.Tick: Guard("tick", _core.Tick); break;
            case WorkKind.Action: item.Action!(); break;
        }
    }

    /// <summary>
    /// Holds a request back while its connection's unsent output is over the limit (and behind any
    /// request already held), so requests the reader queued before it parked cannot pile up replies
    /// without bound: a connection's unsent output stays within the limit plus one reply.
    /// Also while the disk is behind (<see cref="IDiskBackpressure"/>): the log's unsynced bytes
    /// then stay within its limit plus one transaction.
    /// </summary>
    private void HoldBackOrProcess(in WorkItem item)
    {
        var connection = item.Connection!;
        if (connection.HeldBack.Count == 0 && !connection.Throttle.OverUnsentLimit && !DiskBehind)
        {
            ProcessFrame(item);
            return;
        }
        // A held request waits on its own client, not on the loop: it leaves the server-wide count,
        // so one client that does not read cannot fill globalOutstandingLimit for everyone. It still
        // counts against its connection's own limits, which keep that reader parked.
        connection.Throttle.LeaveGlobalCount();
        connection.HeldBack.Enqueue(item);
        if (connection.HeldBack.Count == 1) ResumeHeldBack(connection);
    }

    /// <summary>Processes held requests while output has room; otherwise asks the writer to post a resume once it has drained.</summary>
    private void ResumeHeldBack(ClientConnection connection)
    {
        while (connection.HeldBack.Count > 0)
        {
            if (connection.CoreDisconnected)
            {
                DropHeldBack(connection);
                return;
            }
            if (connection.Throttle.OverUnsentLimit)
            {
                // False means the writer drained in the meantime: go on at once.
                if (connection.Throttle.ResumeWhenDrained(() => PostResume(connection))) return;
                continue;
            }
            if (DiskBehind)
            {
                WaitForDisk(connection);
                return;
            }
            ProcessFrame(connection.HeldBack.Dequeue(), held: true);
        }
    }

    private void WaitForDisk(ClientConnection connection)
    {
        if (!connection.WaitingForDisk)
        {
            connection.WaitingForDisk = true;
            _waitingForDisk.Add(connection);
        }
        if (_diskResumeRegistered) return;
        _diskResumeRegistered = true;
        _disk!.ResumeWhenDiskCaughtUp(OnDiskCaughtUp);
    }

    /// <summary>On the loop: the log caught up; connections resume in the order they started waiting.</summary>
    private void OnDiskCaughtUp()
    {
        _diskResumeRegistered = false;
        var waiting = _waitingForDisk.ToArray();
        _waitingForDisk.Clear();
        foreach (var connection in waiting)
        {
            connection.WaitingForDisk = false;
            ResumeHeldBack(connection); // may find the disk behind again and wait once more
        }
    }

    private void PostResume(ClientConnection connection) =>
        _channel.Writer.TryWrite(new WorkItem(WorkKind.Resume, connection, null, 0, 0, null));

    private static void DropHeldBack(ClientConnection connection)
    {
        while (connection.HeldBack.TryDequeue(out var held))
        {
            connection.Throttle.RemoveQueuedInput(held.Length, countedGlobally: false);
            ArrayPool<byte>.Shared.Return(held.Buffer!);
        }
    }

    private void ProcessFrame(in WorkItem item, bool held = false)
    {
        var connection = item.Connection!;
        try
        {
            // After the core closed a connection or was told it is gone, late frames are dropped.
            if (connection.CoreDisconnected || connection.Output.CloseRequested) return;
            connection.OnFrameReceived(item.Timestamp, item.Buffer.AsSpan(0, item.Length));
            connection.Core ??= connection.IsSecure ? _core.Open(connection, connection.RemoteAddress, connection.X509Subject) : _core.Open(connection, connection.RemoteAddress);
            connection.Core.Receive(item.Buffer.AsSpan(0, item.Length));
        }
        catch (Exception e)
        {
            // A core exception must not take the server down: close only the connection it came from.
            _log.LogError(e, "Core failed on a frame from {Remote}; closing that connection", connection.RemoteAddress);
            connection.Close();
        }
        finally
        {
            connection.Throttle.RemoveQueuedInput(item.Length, countedGlobally: !held);
            ArrayPool<byte>.Shared.Return(item.Buffer!);
        }
    }

    private void ProcessDisconnected(ClientConnection connection)
    {
        if (!connection.CoreDisconnected)
        {
            connection.CoreDisconnected = true;
            if (connection.Core is { } core) Guard("disconnect", core.Disconnected);
        }
        DropHeldBack(connection); // the client is gone: its held requests will never be answered
        connection.Output.Complete();
    }

    /// <summary>A core failure in a tick or a disconnect is logged; the server keeps running.</summary>
    private void Guard(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            _log.LogError(e, "Core failed during {What}", what);
        }
    }

    private void FlushDirty()
    {
        foreach (var connection in _dirty) connection.FlushBatch();
        _dirty.Clear();
    }

    private async Task TickAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopTicks.Token).ConfigureAwait(false))
                _channel.Writer.TryWrite(new WorkItem(WorkKind.Tick, null, null, 0, 0, null));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops ticking, lets queued work finish, and ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopTicks.Cancel();
        await _ticker.ConfigureAwait(false);
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _stopTicks.Dispose();
    }

    internal enum WorkKind { Frame, Disconnected, Tick, Action, Resume }

    internal readonly record struct WorkItem(
        WorkKind Kind, ClientConnection? Connection, byte[]? Buffer, int Length, long Timestamp, Action? Action);
}
