using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Corral.Recipes;

/// <summary>
/// Publishes successive versions of a value to any number of readers. Each reader first gets the
/// current version, then every newer one; a slow reader skips to the latest (a cache reader wants
/// the state, not the history). <see cref="Fail"/> ends every stream with an exception (e.g.
/// session expiry), <see cref="Complete"/> ends them quietly.
/// </summary>
public sealed class SnapshotStream<T> where T : class
{
    private readonly object _gate = new();
    private readonly List<Channel<T>> _readers = [];
    private T? _current;
    private bool _ended;
    private Exception? _error;

    public T? Current { get { lock (_gate) return _current; } }

    public void Publish(T value)
    {
        lock (_gate)
        {
            if (_ended) return;
            _current = value;
            foreach (var r in _readers) r.Writer.TryWrite(value);
        }
    }

    public void Fail(Exception error) => End(error);

    public void Complete() => End(null);

    private void End(Exception? error)
    {
        lock (_gate)
        {
            if (_ended) return;
            _ended = true;
            _error = error;
            foreach (var r in _readers) r.Writer.TryComplete(error);
            _readers.Clear();
        }
    }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            if (_current is not null) channel.Writer.TryWrite(_current);
            if (_ended) channel.Writer.TryComplete(_error);
            else _readers.Add(channel);
        }
        try
        {
            await foreach (var v in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false)) yield return v;
        }
        finally
        {
            lock (_gate) _readers.Remove(channel);
        }
    }
}
