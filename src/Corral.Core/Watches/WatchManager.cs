using Corral.Core.Tree;
using Corral.Protocol;

namespace Corral.Core.Watches;

/// <summary>
/// ZooKeeper's two watch tables (data and child) and the trigger rules of the fact sheet §8:
/// one event per watcher per trigger, standard watches consumed, persistent ones kept, recursive
/// watches reached from descendants (but never for NodeChildrenChanged), and delivery filtered by
/// the watcher's READ permission.
/// </summary>
public sealed class WatchManager
{
    private readonly WatchTable _data = new();
    private readonly WatchTable _child = new();
    private readonly List<IWatcher> _scratch = [];
    private readonly HashSet<IWatcher> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>getData/exists with watch=true: a standard entry in the data table.</summary>
    public void AddDataWatch(string path, IWatcher w) => _data.Add(path, w, WatchModes.Standard);

    /// <summary>getChildren with watch=true: a standard entry in the child table.</summary>
    public void AddChildWatch(string path, IWatcher w) => _child.Add(path, w, WatchModes.Standard);

    /// <summary>addWatch mode 0: persistent in both tables.</summary>
    public void AddPersistentWatch(string path, IWatcher w)
    {
        _data.Add(path, w, WatchModes.Persistent);
        _child.Add(path, w, WatchModes.Persistent);
    }

    /// <summary>addWatch mode 1: persistent-recursive in the data table only.</summary>
    public void AddPersistentRecursiveWatch(string path, IWatcher w) => _data.Add(path, w, WatchModes.PersistentRecursive);

    /// <summary>Fires one trigger produced by applying a transaction.</summary>
    public void Trigger(in WatchTrigger t, long zxid)
    {
        _scratch.Clear();
        _seen.Clear();
        switch (t.Type)
        {
            case EventType.NodeCreated:
            case EventType.NodeDataChanged:
                _data.Collect(t.Path, _scratch, _seen);
                break;
            case EventType.NodeDeleted:
                _data.Collect(t.Path, _scratch, _seen);
                _child.Collect(t.Path, _scratch, _seen);
                break;
            case EventType.NodeChildrenChanged:
                _child.Collect(t.Path, _scratch, _seen);
                break;
            default:
                return;
        }
        foreach (var w in _scratch)
            if (w.CanRead(t.Acl)) w.Notify(t.Type, t.Path, zxid);
    }

    /// <summary>Drops every watch of a closed connection.</summary>
    public void RemoveWatcher(IWatcher w)
    {
        _data.RemoveWatcher(w);
        _child.RemoveWatcher(w);
    }

    /// <summary>checkWatches with 3.9's mode-exact matching.</summary>
    public bool HasWatch(string path, WatcherType type, IWatcher w) => type switch
    {
        WatcherType.Children => (_child.ModesOf(path, w) & WatchModes.Standard) != 0,
        WatcherType.Data => (_data.ModesOf(path, w) & WatchModes.Standard) != 0,
        WatcherType.Persistent => (_data.ModesOf(path, w) & WatchModes.Persistent) != 0,
        WatcherType.PersistentRecursive => (_data.ModesOf(path, w) & WatchModes.PersistentRecursive) != 0,
        WatcherType.Any => _data.ModesOf(path, w) != WatchModes.None || _child.ModesOf(path, w) != WatchModes.None,
        _ => false,
    };

    /// <summary>removeWatches with 3.9 semantics; true if anything was removed.</summary>
    public bool RemoveWatch(string path, WatcherType type, IWatcher w)
    {
        switch (type)
        {
            case WatcherType.Children: return _child.Remove(path, w, WatchModes.Standard);
            case WatcherType.Data: return _data.Remove(path, w, WatchModes.Standard);
            case WatcherType.Persistent:
                bool d = _data.Remove(path, w, WatchModes.Persistent);
                return _child.Remove(path, w, WatchModes.Persistent) | d;
            case WatcherType.PersistentRecursive: return _data.Remove(path, w, WatchModes.PersistentRecursive);
            case WatcherType.Any:
                const WatchModes all = WatchModes.Standard | WatchModes.Persistent | WatchModes.PersistentRecursive;
                bool a = _data.Remove(path, w, all);
                return _child.Remove(path, w, all) | a;
            default: return false;
        }
    }

    public WatchModes DataModes(string path, IWatcher w) => _data.ModesOf(path, w);
    public WatchModes ChildModes(string path, IWatcher w) => _child.ModesOf(path, w);

    /// <summary>Total (path, watcher) entries over both tables, as ZooKeeper's zk_watch_count.</summary>
    public int WatchCount => _data.PairCount + _child.PairCount;

    /// <summary>wchs' figures: (connections, paths, watches) of the data-watch table, as ZooKeeper counts them.</summary>
    public (int Watchers, int Paths, int Watches) DataWatchSummary => (_data.WatcherCount, _data.PathCount, _data.PairCount);

    /// <summary>Distinct watched paths over both tables.</summary>
    public int WatchedPathCount => _data.ByPath.Select(p => p.Key).Union(_child.ByPath.Select(p => p.Key)).Count();

    /// <summary>Distinct watchers (connections) holding any watch.</summary>
    public int WatcherCount => _data.ByWatcher.Select(p => p.Key).Union(_child.ByWatcher.Select(p => p.Key), ReferenceEqualityComparer.Instance).Count();

    /// <summary>wchc: each watcher's watched paths (both tables), sorted.</summary>
    /// <remarks>ZooKeeper's wchc, wchp and wchs list the data-watch table only (exists/getData/persistent
    /// watches); pass <paramref name="dataOnly"/> to match them.</remarks>
    public IReadOnlyList<(IWatcher Watcher, IReadOnlyList<string> Paths)> WatchesByWatcher(bool dataOnly = false)
    {
        var map = new Dictionary<IWatcher, SortedSet<string>>(ReferenceEqualityComparer.Instance);
        foreach (var table in dataOnly ? new[] { _data } : new[] { _data, _child })
            foreach (var (w, paths) in table.ByWatcher)
            {
                if (!map.TryGetValue(w, out var set)) map[w] = set = new(StringComparer.Ordinal);
                set.UnionWith(paths);
            }
        return map.Select(kv => (kv.Key, (IReadOnlyList<string>)kv.Value.ToList())).ToList();
    }

    /// <summary>wchp: each watched path's watchers (both tables), sorted by path.</summary>
    public IReadOnlyList<(string Path, IReadOnlyList<IWatcher> Watchers)> WatchesByPath(bool dataOnly = false)
    {
        var map = new SortedDictionary<string, HashSet<IWatcher>>(StringComparer.Ordinal);
        foreach (var table in dataOnly ? new[] { _data } : new[] { _data, _child })
            foreach (var (p, watchers) in table.ByPath)
            {
                if (!map.TryGetValue(p, out var set)) map[p] = set = new(ReferenceEqualityComparer.Instance);
                set.UnionWith(watchers.Keys);
            }
        return map.Select(kv => (kv.Key, (IReadOnlyList<IWatcher>)kv.Value.ToList())).ToList();
    }
}
