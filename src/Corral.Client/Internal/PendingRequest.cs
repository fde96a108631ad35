using Corral.Protocol;

namespace Corral.Client.Internal;

/// <summary>Reads a reply body into the caller's result type.</summary>
internal delegate T ReplyParser<T>(ref JuteReader r, ConnectionString paths);

/// <summary>
/// One request on its way through the client: queued at call time, given an xid and written by the
/// connection's writer, then matched (FIFO) with its reply by the reader. Holds whatever must happen
/// on the reader's thread when the reply arrives (watch registration), so that a later notification
/// can never overtake it.
/// </summary>
internal abstract class PendingRequest
{
    protected PendingRequest(OpCode op, IJuteRecord? body, string? path)
    {
        Op = op;
        Body = body;
        Path = path;
    }

    public OpCode Op { get; }
    public IJuteRecord? Body { get; }

    /// <summary>The client-side path, for exception messages.</summary>
    public string? Path { get; }

    public int Xid { get; set; }

    /// <summary>A one-shot watch to register when the reply says the read succeeded.</summary>
    public WatchRegistration? Watch { get; init; }

    /// <summary>When set (by the writer), used for the request-duration histogram.</summary>
    public long SentTimestamp { get; set; }

    /// <summary>True once the caller has stopped waiting: the writer skips it if not yet sent.</summary>
    public abstract bool IsAbandoned { get; }

    /// <summary>Handles the reply; called on the reader's thread, in wire order.</summary>
    public abstract void Complete(in ReplyHeader header, ref JuteReader body, ConnectionString paths, Watches.WatchManager watches);

    public abstract void Fail(Exception error);
}

/// <summary>What a watching read registers when it succeeds (or, for exists, when the node is missing).</summary>
internal sealed record WatchRegistration(Watches.OneShotKind Kind, string ServerPath, TaskCompletionSource<WatchedEvent> Event);

/// <summary>A request whose caller awaits a <typeparamref name="T"/>.</summary>
internal sealed class PendingRequest<T> : PendingRequest
{
    private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ReplyParser<T> _parser;
    private readonly bool _noNodeIsNull;
    private CancellationTokenRegistration _cancellation;

    public PendingRequest(OpCode op, IJuteRecord? body, string? path, ReplyParser<T> parser, bool noNodeIsNull = false)
        : base(op, body, path)
    {
        _parser = parser;
        _noNodeIsNull = noNodeIsNull;
    }

    public Task<T> Task => _result.Task;

    public override bool IsAbandoned => _result.Task.IsCompleted;

    public void RegisterCancellation(CancellationToken ct)
    {
        if (!ct.CanBeCanceled) return;
        _cancellation = ct.Register(static (state, token) =>
        {
            var self = (PendingRequest<T>)state!;
            if (self._result.TrySetCanceled(token)) self.Watch?.Event.TrySetCanceled(token);
        }, this);
    }

    public override void Complete(in ReplyHeader header, ref JuteReader body, ConnectionString paths, Watches.WatchManager watches)
    {
        _cancellation.Dispose();
        var err = header.Err;
        if (err == ErrorCode.Ok || (err == ErrorCode.NoNode && _noNodeIsNull))
        {
            // Register before completing, on the reader's thread: the next frame may be its event.
            if (Watch is { } w && (err == ErrorCode.Ok || w.Kind == Watches.OneShotKind.Exist))
                watches.AddOneShot(w.Kind == Watches.OneShotKind.Exist && err == ErrorCode.Ok ? Watches.OneShotKind.Data : w.Kind, w.ServerPath, w.Event);
            T value;
            try
            {
                value = err == ErrorCode.Ok ? _parser(ref body, paths) : default!;
            }
            catch (JuteException e)
            {
                Fail(new ZooKeeperException(ErrorCode.MarshallingError, Path, $"malformed reply: {e.Message}", e));
                return;
            }
            _result.TrySetResult(value);
            return;
        }
        Fail(ZooKeeperException.Create(err, Path));
    }

    public override void Fail(Exception error)
    {
        _cancellation.Dispose();
        if (_result.TrySetException(error))
        {
            // Nobody will see this watch fire: make its task fail the same way (and mark it observed).
            if (Watch is { } w && w.Event.TrySetException(error)) _ = w.Event.Task.Exception;
        }
    }
}
