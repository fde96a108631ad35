using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace Corral.Server.Network;

/// <summary>
/// The send side of one connection. The processing loop appends whole frames (never blocking: a
/// lock around a memory copy); a per-connection writer task swaps the buffer out and hands the whole
/// batch to the socket with one write and one flush. Two buffers alternate so the loop can keep
/// appending while a batch is on its way out.
/// </summary>
public sealed class ConnectionOutput(ReadThrottle throttle)
{
    private const int ShrinkAboveBytes = 1024 * 1024;

    private readonly object _lock = new();
    private readonly Channel<bool> _wakeUp = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte> _draining = new(4096);
    private bool _closeRequested;
    private bool _completed;

    /// <summary>True once the core has asked to close: later frames are dropped.</summary>
    public bool CloseRequested { get { lock (_lock) return _closeRequested; } }

    /// <summary>Copies one frame into the pending batch. Called from the processing loop.</summary>
    public bool Enqueue(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            if (_closeRequested || _completed) return false;
            _pending.Write(frame);
        }
        throttle.AddUnsent(frame.Length);
        return true;
    }

    /// <summary>The core asked to close: send what is queued, then close. Idempotent.</summary>
    public void RequestClose()
    {
        lock (_lock) _closeRequested = true;
    }

    /// <summary>The connection is over (peer gone, bad input, shutdown): send what is queued if possible, then stop.</summary>
    public void Complete()
    {
        lock (_lock) _completed = true;
        Signal();
    }

    /// <summary>Wakes the writer; called once per processing-loop batch for each connection that got output.</summary>
    public void Signal() => _wakeUp.Writer.TryWrite(true);

    /// <summary>
    /// The writer task. Returns when the core's close has been flushed (then <paramref name="onCloseFlushed"/>
    /// runs so the reader stops), when <see cref="Complete"/> was called, or when the peer is gone.
    /// </summary>
    public async Task RunAsync(PipeWriter transport, Action onCloseFlushed)
    {
        try
        {
            while (true)
            {
                await _wakeUp.Reader.ReadAsync().ConfigureAwait(false);
                ArrayBufferWriter<byte> batch;
                bool close, completed;
                lock (_lock)
                {
                    batch = _pending;
                    _pending = _draining;
                    _draining = batch;
                    close = _closeRequested;
                    completed = _completed;
                }

                int bytes = batch.WrittenCount;
                if (bytes > 0)
                {
                    FlushResult result = await transport.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                    throttle.RemoveUnsent(bytes);
                    if (batch.Capacity > ShrinkAboveBytes) _draining = new ArrayBufferWriter<byte>(4096);
                    else batch.ResetWrittenCount();
                    if (result.IsCompleted || result.IsCanceled) return;
                }

                if (close)
                {
                    onCloseFlushed();
                    return;
                }
                if (completed) return;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException
                                   or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // The peer went away mid-write; the reader sees the same and ends the connection.
        }
        finally
        {
            throttle.ReleaseForever();
        }
    }
}
