using System.Text;
using Corral.Core.Server;
using Corral.Core.Watches;

namespace Corral.Server.Commands;

/// <summary>
/// wchs, wchc and wchp in ZooKeeper's layout. Like ZooKeeper they cover the data-watch table only
/// (getData, exists and persistent watches), not child watches. Loop only.
/// </summary>
public static class WatchText
{
    public static string Summary(ServerView view)
    {
        var (watchers, paths, watches) = view.Loop.Core.Inspect?.Watches.DataWatchSummary ?? (0, 0, 0);
        return $"{watchers} connections watching {paths} paths\nTotal watches:{watches}\n";
    }

    public static string BySession(ServerView view)
    {
        var sb = new StringBuilder();
        foreach (var (watcher, paths) in BySessionSorted(view))
        {
            sb.Append("0x").Append(ConnectionText.Hex(watcher)).Append('\n');
            foreach (string path in paths) sb.Append('\t').Append(path).Append('\n');
        }
        return sb.Append('\n').ToString();
    }

    public static string ByPath(ServerView view)
    {
        var sb = new StringBuilder();
        foreach (var (path, sessions) in ByPathSorted(view))
        {
            sb.Append(path).Append('\n');
            foreach (long session in sessions) sb.Append("\t0x").Append(ConnectionText.Hex(session)).Append('\n');
        }
        return sb.Append('\n').ToString();
    }

    /// <summary>Session id to watched paths, both sorted.</summary>
    public static IReadOnlyList<(long Session, IReadOnlyList<string> Paths)> BySessionSorted(ServerView view) =>
        view.Loop.Core.Inspect?.Watches.WatchesByWatcher(dataOnly: true)
            .Select(w => (SessionOf(w.Watcher), w.Paths)).OrderBy(w => w.Item1).ToList() ?? [];

    /// <summary>Path to watching session ids, both sorted.</summary>
    public static IReadOnlyList<(string Path, IReadOnlyList<long> Sessions)> ByPathSorted(ServerView view) =>
        view.Loop.Core.Inspect?.Watches.WatchesByPath(dataOnly: true)
            .Select(p => (p.Path, (IReadOnlyList<long>)p.Watchers.Select(SessionOf).Order().ToList())).ToList() ?? [];

    private static long SessionOf(IWatcher watcher) => watcher is CoreConnection c ? c.SessionId : 0;
}
