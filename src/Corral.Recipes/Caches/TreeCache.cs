using System.Collections.Immutable;
using System.Threading.Channels;
using Corral.Client;
using Corral.Client.Watches;
using Corral.Protocol;

namespace Corral.Recipes.Caches;

/// <summary>One consistent view of a cached subtree: full paths to their data and Stat.</summary>
public sealed record TreeSnapshot(ImmutableSortedDictionary<string, NodeData> Nodes)
{
    public static readonly TreeSnapshot Empty = new(ImmutableSortedDictionary.Create<string, NodeData>(StringComparer.Ordinal));
}

/// <summary>
/// A local copy of the subtree under <c>path</c> (Curator's CuratorCache/TreeCache), up to
/// <c>maxDepth</c> levels below it, kept up to date by watches. Where the server has them (3.6+)
/// one persistent recursive watch covers the tree, and after every reconnect the cache re-reads it
/// (a persistent watch does not replay changes missed while disconnected); otherwise each node has
/// a one-shot data watch and a one-shot children watch, which the client re-registers on reconnect
/// so the server reports anything missed.
/// <para>Guarantees: every change is eventually reflected; snapshots are published when the cache has
/// no pending work, so each is a state the tree passed through or a merge of consecutive ones
/// (ZooKeeper watches give eventual, not transactional, consistency). When the session expires the
/// stream ends with <see cref="SessionExpiredException"/>.</para>
/// </summary>
public sealed class TreeCache : IAsyncDisposable
{
    private enum Kind { Data, Children, Resync, Expired }
    private readonly record struct Work(Kind Kind, string Path, Exception? Error = null);

    private readonly CorralClient _client;
    private readonly int _maxDepth;
    private readonly bool _preferPersistent;
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>();
    private readonly CancellationTokenSource _stop = new();
    private readonly SnapshotStream<TreeSnapshot> _stream = new();
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<string> _dataWatched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _childWatched = new(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, NodeData> _nodes = TreeSnapshot.Empty.Nodes;
    private PersistentWatch? _persistent;
    private SessionWatcher? _session;
    private Task? _loop;
    private Task? _pump;

    public TreeCache(CorralClient client, string path, int maxDepth = int.MaxValue, bool preferPersistentWatch = true)
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        _client = client;
        Path = path;
        _maxDepth = maxDepth;
        _preferPersistent = preferPersistentWatch;
    }

    public string Path { get; }
    /// <summary>True when one persistent recursive watch keeps the cache (false: one-shot watches).</summary>
    public bool UsesPersistentWatch => _persistent is not null;
    public TreeSnapshot Current => _stream.Current ?? TreeSnapshot.Empty;

    /// <summary>The data of a cached node, or null.</summary>
    public NodeData? Get(string path) => Current.Nodes.GetValueOrDefault(path);

    /// <summary>The current snapshot, then each new one.</summary>
    public IAsyncEnumerable<TreeSnapshot> WatchAsync(CancellationToken ct = default) => _stream.ReadAllAsync(ct);

    /// <summary>Starts watching; completes when the first full load has been published.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (_loop is not null) throw new InvalidOperationException("the cache is already started");
        if (_preferPersistent)
        {
            try
            {
                _persistent = await Resilient.RunAsync(() => _client.AddWatchAsync(Path, AddWatchMode.PersistentRecursive, ct), ct).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code is ErrorCode.Unimplemented or ErrorCode.MarshallingError or ErrorCode.BadArguments)
            {
                _persistent = null; // an older server: fall back to one-shot watches
            }
        }
        if (_persistent is { } watch)
        {
            _session = new SessionWatcher(_client);
            _session.Reconnected += () => _work.Writer.TryWrite(new Work(Kind.Resync, Path));
            _pump = Task.Run(() => PumpAsync(watch));
        }
        else _dataWatched.Add(Path);
        if (_maxDepth > 0 && _persistent is null) _childWatched.Add(Path);
        _work.Writer.TryWrite(new Work(Kind.Data, Path));
        if (_maxDepth > 0) _work.Writer.TryWrite(new Work(Kind.Children, Path));
        _loop = Task.Run(() => RunAsync(_stop.Token));
        await _initialized.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task PumpAsync(PersistentWatch watch)
    {
        try
        {
            await foreach (var e in (IAsyncEnumerable<WatchedEvent>)watch)
            {
                if (e.Path is not { } p || Depth(p) is < 0 || Depth(p) > _maxDepth) continue;
                _work.Writer.TryWrite(new Work(Kind.Data, p));
                if (e.Type == EventType.NodeCreated) _work.Writer.TryWrite(new Work(Kind.Children, p));
            }
        }
        catch (Exception e)
        {
            _work.Writer.TryWrite(new Work(Kind.Expired, Path, e));
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        bool dirty = true;
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                switch (work.Kind)
                {
                    case Kind.Data: dirty |= await RefreshDataAsync(work.Path, ct).ConfigureAwait(false); break;
                    case Kind.Children: dirty |= await RefreshChildrenAsync(work.Path, ct).ConfigureAwait(false); break;
                    case Kind.Resync:
                        foreach (var p in _nodes.Keys.Append(Path).Distinct())
                        {
                            _work.Writer.TryWrite(new Work(Kind.Data, p));
                            if (Depth(p) < _maxDepth) _work.Writer.TryWrite(new Work(Kind.Children, p));
                        }
                        break;
                    case Kind.Expired:
                        _stream.Fail(work.Error is SessionExpiredException ? work.Error : new SessionExpiredException(Path));
                        _initialized.TrySetException(work.Error ?? new SessionExpiredException(Path));
                        return;
                }
                if (_work.Reader.Count == 0 && dirty)
                {
                    _stream.Publish(new TreeSnapshot(_nodes));
                    _initialized.TrySetResult();
                    dirty = false;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is SessionExpiredException or ObjectDisposedException)
        {
            _stream.Fail(e);
            _initialized.TrySetException(e);
            return;
        }
        _stream.Complete();
    }

    private bool OneShot => _persistent is null;

    private async Task<bool> RefreshDataAsync(string path, CancellationToken ct)
    {
        try
        {
            NodeData data;
            if (OneShot)
            {
                var watched = await Resilient.RunAsync(() => _client.GetDataWatchAsync(path, ct), ct).ConfigureAwait(false);
                Follow(watched.Changed, new Work(Kind.Data, path));
                data = watched.Value;
            }
            else data = await Resilient.RunAsync(() => _client.GetDataAsync(path, ct), ct).ConfigureAwait(false);
            if (_nodes.TryGetValue(path, out var old) && old.Stat == data.Stat) return false;
            bool isNew = old is null;
            _nodes = _nodes.SetItem(path, data);
            if (isNew && path != Path && Depth(path) < _maxDepth && (!OneShot || _childWatched.Add(path)))
                _work.Writer.TryWrite(new Work(Kind.Children, path));
            return true;
        }
        catch (NoNodeException)
        {
            if (OneShot) _dataWatched.Remove(path);
            if (OneShot && path == Path)
            {
                // The root is missing: wait for it to be created.
                var exists = await Resilient.RunAsync(() => _client.ExistsWatchAsync(path, ct), ct).ConfigureAwait(false);
                _dataWatched.Add(path);
                if (exists.Value is not null) _work.Writer.TryWrite(new Work(Kind.Data, path));
                else Follow(exists.Changed, new Work(Kind.Data, path), alsoChildren: _maxDepth > 0);
            }
            return RemoveSubtree(path);
        }
    }

    private async Task<bool> RefreshChildrenAsync(string path, CancellationToken ct)
    {
        IReadOnlyList<string> names;
        try
        {
            if (OneShot)
            {
                var watched = await Resilient.RunAsync(() => _client.GetChildrenWatchAsync(path, ct), ct).ConfigureAwait(false);
                Follow(watched.Changed, new Work(Kind.Children, path));
                _childWatched.Add(path);
                names = watched.Value.Children;
            }
            else names = (await Resilient.RunAsync(() => _client.GetChildrenAsync(path, ct), ct).ConfigureAwait(false)).Children;
        }
        catch (NoNodeException)
        {
            if (OneShot) _childWatched.Remove(path);
            return false;
        }
        var present = names.Select(n => PathUtils.Combine(path, n)).ToHashSet(StringComparer.Ordinal);
        foreach (var child in present)
        {
            bool read = OneShot ? _dataWatched.Add(child) : !_nodes.ContainsKey(child);
            if (read) _work.Writer.TryWrite(new Work(Kind.Data, child));
        }
        bool changed = false;
        foreach (var known in _nodes.Keys.Where(k => PathUtils.ParentOf(k) == path && !present.Contains(k)).ToList())
            changed |= RemoveSubtree(known);
        return changed;
    }

    private bool RemoveSubtree(string path)
    {
        var doomed = _nodes.Keys.Where(k => k == path || k.StartsWith(path == "/" ? "/" : path + "/", StringComparison.Ordinal)).ToList();
        if (doomed.Count == 0) return false;
        _nodes = _nodes.RemoveRange(doomed);
        return true;
    }

    /// <summary>
    /// Queues <paramref name="work"/> when a one-shot watch fires; a session expiry ends the cache.
    /// Runs on the thread pool, so it only writes to the work channel: all state belongs to the loop.
    /// </summary>
    private void Follow(Task<WatchedEvent> changed, Work work, bool alsoChildren = false) =>
        changed.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                _work.Writer.TryWrite(work);
                if (alsoChildren) _work.Writer.TryWrite(new Work(Kind.Children, work.Path));
            }
            else if (t.Exception?.InnerException is SessionExpiredException e) _work.Writer.TryWrite(new Work(Kind.Expired, Path, e));
        }, TaskScheduler.Default);

    /// <summary>Levels below the cache root (0 for the root), or -1 outside it.</summary>
    private int Depth(string p)
    {
        if (p == Path) return 0;
        string prefix = Path == "/" ? "/" : Path + "/";
        if (!p.StartsWith(prefix, StringComparison.Ordinal)) return -1;
        return p[prefix.Length..].Count(c => c == '/') + 1;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _work.Writer.TryComplete();
        _session?.Dispose();
        if (_persistent is { } w) await w.DisposeAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        if (_pump is not null) await _pump.ConfigureAwait(false);
        _stream.Complete();
    }
}
