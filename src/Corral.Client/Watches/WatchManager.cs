using System.Threading.Channels;
using Corral.Protocol;
using Corral.Client;

namespace Corral.Client.Watches;

/// <summary>The three one-shot watch tables a client keeps (the server does not tell data and exist apart).</summary>
internal enum OneShotKind { Data, Exist, Child }

/// <summary>
/// The client's record of every watch it holds, keyed by server path, so that a notification
/// reaches exactly the watchers ZooKeeper's client would give it to and so that all of them can be
/// re-registered with SetWatches2 after a reconnect. One-shot watches are task completion sources,
/// persistent ones are channels. Touched by the reader thread and by callers, hence the lock.
/// </summary>
internal sealed class WatchManager
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<TaskCompletionSource<WatchedEvent>>> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskCompletionSource<WatchedEvent>>> _exist = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskCompletionSource<WatchedEvent>>> _child = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PersistentWatch>> _persistent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PersistentWatch>> _recursive = new(StringComparer.Ordinal);

    public void AddOneShot(OneShotKind kind, string serverPath, TaskCompletionSource<WatchedEvent> watcher)
    {
        lock (_gate) Add(Table(kind), serverPath, watcher);
    }

    public void AddPersistent(PersistentWatch watch)
    {
        lock (_gate) Add(watch.Mode == AddWatchMode.Persistent ? _persistent : _recursive, watch.ServerPath, watch);
    }

    /// <summary>Forgets a persistent watch; true when it was the last one of its mode on that path.</summary>
    public bool RemovePersistent(PersistentWatch watch)
    {
        lock (_gate)
        {
            var table = watch.Mode == AddWatchMode.Persistent ? _persistent : _recursive;
            if (!table.TryGetValue(watch.ServerPath, out var list) || !list.Remove(watch)) return false;
            if (list.Count > 0) return false;
            table.Remove(watch.ServerPath);
            return true;
        }
    }

    /// <summary>Removes one-shot watchers of a kind on a path and returns them (for removeWatches).</summary>
    public List<TaskCompletionSource<WatchedEvent>> TakeOneShot(string serverPath, WatcherType type)
    {
        var taken = new List<TaskCompletionSource<WatchedEvent>>();
        lock (_gate)
        {
            if (type is WatcherType.Data or WatcherType.Any)
            {
                Take(_data, serverPath, taken);
                Take(_exist, serverPath, taken);
            }
            if (type is WatcherType.Children or WatcherType.Any) Take(_child, serverPath, taken);
        }
        return taken;
    }

    public bool HasOneShot(string serverPath, WatcherType type)
    {
        lock (_gate)
        {
            bool data = _data.ContainsKey(serverPath) || _exist.ContainsKey(serverPath);
            bool child = _child.ContainsKey(serverPath);
            return type switch
            {
                WatcherType.Data => data,
                WatcherType.Children => child,
                _ => data || child,
            };
        }
    }

    /// <summary>
    /// Hands a notification to every watcher it concerns (ZKWatchManager.materialize's rules) and
    /// consumes the one-shot ones. Runs on the reader thread before any later reply is completed.
    /// </summary>
    public int Dispatch(WatcherEvent e, ConnectionString paths)
    {
        string serverPath = e.Path ?? "";
        var delivered = new WatchedEvent(e.Type, e.State, e.Path is null ? null : paths.ToClientPath(e.Path));
        List<TaskCompletionSource<WatchedEvent>>? oneShots = null;
        List<PersistentWatch>? streams = null;
        lock (_gate)
        {
            switch (e.Type)
            {
                case EventType.NodeCreated:
                case EventType.NodeDataChanged:
                    Take(_data, serverPath, oneShots ??= []);
                    Take(_exist, serverPath, oneShots);
                    break;
                case EventType.NodeChildrenChanged:
                    Take(_child, serverPath, oneShots ??= []);
                    break;
                case EventType.NodeDeleted:
                    Take(_data, serverPath, oneShots ??= []);
                    Take(_exist, serverPath, oneShots);
                    Take(_child, serverPath, oneShots);
                    break;
            }
            if (_persistent.TryGetValue(serverPath, out var exact)) (streams ??= []).AddRange(exact);
            if (e.Type != EventType.NodeChildrenChanged && _recursive.Count > 0)
            {
                for (string? p = serverPath; p is not null && p.Length > 0; p = PathUtils.ParentOf(p))
                    if (_recursive.TryGetValue(p, out var rec)) (streams ??= []).AddRange(rec);
            }
        }
        int count = 0;
        if (oneShots is not null)
            foreach (var w in oneShots) if (w.TrySetResult(delivered)) count++;
        if (streams is not null)
            foreach (var s in streams) if (s.Writer.TryWrite(delivered)) count++;
        return count;
    }

    public bool IsEmpty
    {
        get { lock (_gate) return _data.Count + _exist.Count + _child.Count + _persistent.Count + _recursive.Count == 0; }
    }

    /// <summary>
    /// The requests that re-register every watch on a new connection, split (as the Java client
    /// does) so that no request carries more than about 128 KB of path text.
    /// </summary>
    public List<SetWatches2> Snapshot(long lastZxid, int maxBatchChars = 128 * 1024)
    {
        string[][] lists;
        lock (_gate)
            lists = [[.. _data.Keys], [.. _exist.Keys], [.. _child.Keys], [.. _persistent.Keys], [.. _recursive.Keys]];
        var batches = new List<SetWatches2>();
        var current = new List<string>[] { [], [], [], [], [] };
        int chars = 0;
        void Flush()
        {
            batches.Add(new SetWatches2(lastZxid, [.. current[0]], [.. current[1]], [.. current[2]], [.. current[3]], [.. current[4]]));
            foreach (var l in current) l.Clear();
            chars = 0;
        }
        for (int kind = 0; kind < lists.Length; kind++)
        {
            foreach (var path in lists[kind])
            {
                if (chars > 0 && chars + path.Length > maxBatchChars) Flush();
                current[kind].Add(path);
                chars += path.Length;
            }
        }
        if (chars > 0) Flush();
        return batches;
    }

    /// <summary>Ends every watch: the session is over (expired) or the client closed.</summary>
    public void FailAll(Exception? error)
    {
        List<TaskCompletionSource<WatchedEvent>> oneShots = [];
        List<PersistentWatch> streams = [];
        lock (_gate)
        {
            foreach (var t in new[] { _data, _exist, _child })
            {
                foreach (var list in t.Values) oneShots.AddRange(list);
                t.Clear();
            }
            foreach (var t in new[] { _persistent, _recursive })
            {
                foreach (var list in t.Values) streams.AddRange(list);
                t.Clear();
            }
        }
        foreach (var w in oneShots)
        {
            if (error is null) w.TrySetCanceled();
            else if (w.TrySetException(error)) _ = w.Task.Exception;
        }
        foreach (var s in streams) s.Writer.TryComplete(error);
    }

    private Dictionary<string, List<TaskCompletionSource<WatchedEvent>>> Table(OneShotKind kind) => kind switch
    {
        OneShotKind.Data => _data,
        OneShotKind.Exist => _exist,
        _ => _child,
    };

    private static void Add<T>(Dictionary<string, List<T>> table, string path, T item)
    {
        if (!table.TryGetValue(path, out var list)) table[path] = list = [];
        list.Add(item);
    }

    private static void Take<T>(Dictionary<string, List<T>> table, string path, List<T> into)
    {
        if (table.Remove(path, out var list)) into.AddRange(list);
    }
}
