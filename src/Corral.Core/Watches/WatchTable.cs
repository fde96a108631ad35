namespace Corral.Core.Watches;

/// <summary>
/// One of the two watch tables (data or child): path -> watcher -> modes, plus the reverse index
/// watcher -> paths so a closing connection's watches are removed without scanning every path.
/// </summary>
internal sealed class WatchTable
{
    private readonly Dictionary<string, Dictionary<IWatcher, WatchModes>> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<IWatcher, HashSet<string>> _byWatcher = new(ReferenceEqualityComparer.Instance);

    /// <summary>Number of watches with a recursive mode; when zero, triggers skip the ancestor walk.</summary>
    public int RecursiveCount { get; private set; }

    public int PathCount => _byPath.Count;
    public int WatcherCount => _byWatcher.Count;
    public int PairCount => _byPath.Values.Sum(d => d.Count);

    public void Add(string path, IWatcher watcher, WatchModes mode)
    {
        if (!_byPath.TryGetValue(path, out var watchers)) _byPath[path] = watchers = new(ReferenceEqualityComparer.Instance);
        watchers.TryGetValue(watcher, out var existing);
        if ((existing & mode) == mode) return;
        watchers[watcher] = existing | mode;
        if ((mode & WatchModes.PersistentRecursive) != 0 && (existing & WatchModes.PersistentRecursive) == 0) RecursiveCount++;
        if (!_byWatcher.TryGetValue(watcher, out var paths)) _byWatcher[watcher] = paths = new(StringComparer.Ordinal);
        paths.Add(path);
    }

    public WatchModes ModesOf(string path, IWatcher watcher) =>
        _byPath.TryGetValue(path, out var w) && w.TryGetValue(watcher, out var m) ? m : WatchModes.None;

    /// <summary>Removes the given modes of this watcher on this path; true if any was present.</summary>
    public bool Remove(string path, IWatcher watcher, WatchModes modes)
    {
        if (!_byPath.TryGetValue(path, out var watchers) || !watchers.TryGetValue(watcher, out var existing)) return false;
        var removed = existing & modes;
        if (removed == WatchModes.None) return false;
        SetModes(path, watchers, watcher, existing & ~modes, existing);
        return true;
    }

    private void SetModes(string path, Dictionary<IWatcher, WatchModes> watchers, IWatcher watcher, WatchModes now, WatchModes before)
    {
        if ((before & WatchModes.PersistentRecursive) != 0 && (now & WatchModes.PersistentRecursive) == 0) RecursiveCount--;
        if (now != WatchModes.None)
        {
            watchers[watcher] = now;
            return;
        }
        watchers.Remove(watcher);
        if (watchers.Count == 0) _byPath.Remove(path);
        var paths = _byWatcher[watcher];
        paths.Remove(path);
        if (paths.Count == 0) _byWatcher.Remove(watcher);
    }

    public void RemoveWatcher(IWatcher watcher)
    {
        if (!_byWatcher.Remove(watcher, out var paths)) return;
        foreach (var path in paths)
        {
            var watchers = _byPath[path];
            if (watchers.Remove(watcher, out var modes) && (modes & WatchModes.PersistentRecursive) != 0) RecursiveCount--;
            if (watchers.Count == 0) _byPath.Remove(path);
        }
    }

    /// <summary>
    /// Collects the watchers a change at <paramref name="path"/> reaches, as ZooKeeper's triggerWatch
    /// does: every watcher on the path itself (standard watches are consumed), then, if any recursive
    /// watch exists, the recursive watchers on each ancestor. Each watcher is added once.
    /// </summary>
    public void Collect(string path, List<IWatcher> into, HashSet<IWatcher> seen)
    {
        if (_byPath.TryGetValue(path, out var here))
        {
            foreach (var (watcher, modes) in here.ToList())
            {
                if (seen.Add(watcher)) into.Add(watcher);
                if ((modes & WatchModes.Standard) != 0) SetModes(path, here, watcher, modes & ~WatchModes.Standard, modes);
            }
        }
        if (RecursiveCount == 0) return;
        for (string p = path; p != "/";)
        {
            p = Tree.ZPath.Parent(p);
            if (!_byPath.TryGetValue(p, out var above)) continue;
            foreach (var (watcher, modes) in above)
                if ((modes & WatchModes.PersistentRecursive) != 0 && seen.Add(watcher)) into.Add(watcher);
        }
    }

    public IEnumerable<KeyValuePair<string, Dictionary<IWatcher, WatchModes>>> ByPath => _byPath;
    public IEnumerable<KeyValuePair<IWatcher, HashSet<string>>> ByWatcher => _byWatcher;
}
