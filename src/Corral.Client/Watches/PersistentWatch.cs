using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Corral.Protocol;

namespace Corral.Client;

/// <summary>
/// A persistent (or persistent-recursive) watch as a stream of events. Events are buffered from
/// the moment the watch was added, so none is lost between AddWatchAsync and the first MoveNext.
/// The stream ends with <see cref="SessionExpiredException"/> if the session expires and ends
/// quietly when the client closes. Disposing removes the watch (on the server too when it was the
/// last one of its mode on that path).
/// </summary>
public sealed class PersistentWatch : IAsyncEnumerable<WatchedEvent>, IAsyncDisposable
{
    private readonly Channel<WatchedEvent> _events =
        Channel.CreateUnbounded<WatchedEvent>();
    private readonly Func<PersistentWatch, ValueTask> _remove;
    private int _disposed;

    internal PersistentWatch(string path, string serverPath, AddWatchMode mode, Func<PersistentWatch, ValueTask> remove)
    {
        Path = path;
        ServerPath = serverPath;
        Mode = mode;
        _remove = remove;
    }

    /// <summary>The watched path, relative to the chroot.</summary>
    public string Path { get; }
    public AddWatchMode Mode { get; }
    internal string ServerPath { get; }
    internal ChannelWriter<WatchedEvent> Writer => _events.Writer;

    /// <summary>Reads the next event; for callers that prefer a pull API over await foreach.</summary>
    public ValueTask<WatchedEvent> NextAsync(CancellationToken ct = default) => _events.Reader.ReadAsync(ct);

    /// <summary>An event that has already arrived, without waiting.</summary>
    public bool TryGetNext(out WatchedEvent? e)
    {
        bool got = _events.Reader.TryRead(out var item);
        e = item;
        return got;
    }

    public async IAsyncEnumerator<WatchedEvent> GetAsyncEnumerator(CancellationToken ct = default)
    {
        while (await _events.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            while (_events.Reader.TryRead(out var e))
                yield return e;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _events.Writer.TryComplete();
        await _remove(this).ConfigureAwait(false);
    }
}
