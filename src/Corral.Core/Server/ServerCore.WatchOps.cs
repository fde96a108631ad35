using Corral.Protocol;

namespace Corral.Core.Server;

public sealed partial class ServerCore
{
    /// <summary>
    /// SetWatches/SetWatches2 after a reconnect (fact sheet §8.5): a watch whose event the client
    /// missed fires at once (zxid -1, before the reply) and is not registered; the rest are registered.
    /// </summary>
    private void SetWatches(CoreConnection conn, long relativeZxid, IReadOnlyList<string>? data, IReadOnlyList<string>? exist,
        IReadOnlyList<string>? child, IReadOnlyList<string>? persistent, IReadOnlyList<string>? recursive)
    {
        foreach (var path in data ?? [])
        {
            var node = _tree.Find(path);
            if (node is null) CatchUp(conn, EventType.NodeDeleted, path, null);
            else if (node.Mzxid > relativeZxid) CatchUp(conn, EventType.NodeDataChanged, path, node);
            else _watches.AddDataWatch(path, conn);
        }
        foreach (var path in exist ?? [])
        {
            var node = _tree.Find(path);
            if (node is not null) CatchUp(conn, EventType.NodeCreated, path, node);
            else _watches.AddDataWatch(path, conn);
        }
        foreach (var path in child ?? [])
        {
            var node = _tree.Find(path);
            if (node is null) CatchUp(conn, EventType.NodeDeleted, path, null);
            else if (node.Pzxid > relativeZxid) CatchUp(conn, EventType.NodeChildrenChanged, path, node);
            else _watches.AddChildWatch(path, conn);
        }
        foreach (var path in persistent ?? []) _watches.AddPersistentWatch(path, conn);
        foreach (var path in recursive ?? []) _watches.AddPersistentRecursiveWatch(path, conn);
    }

    private void CatchUp(CoreConnection conn, EventType type, string path, Tree.ZNode? node)
    {
        // The same READ filter as live events: a client may not learn about a node it cannot read.
        if (node is not null && !((Watches.IWatcher)conn).CanRead(_tree.GetAcl(node))) return;
        SendNotification(conn, type, path, -1);
    }

    private void AddWatch(CoreConnection conn, int xid, AddWatchRequest q, long zxid)
    {
        if (q.Path is null || q.Mode is not (AddWatchMode.Persistent or AddWatchMode.PersistentRecursive))
        {
            SendReply(conn, xid, zxid, ErrorCode.MarshallingError);
            return;
        }
        if (q.Mode == AddWatchMode.Persistent) _watches.AddPersistentWatch(q.Path, conn);
        else _watches.AddPersistentRecursiveWatch(q.Path, conn);
        SendReply(conn, xid, zxid, ErrorCode.Ok, new ErrorResponse(ErrorCode.Ok));
    }

    private ErrorCode CheckOrRemoveWatch(CoreConnection conn, string? path, WatcherType type, bool remove)
    {
        if (path is null || type is < WatcherType.Children or > WatcherType.PersistentRecursive) return ErrorCode.MarshallingError;
        bool found = remove ? _watches.RemoveWatch(path, type, conn) : _watches.HasWatch(path, type, conn);
        return found ? ErrorCode.Ok : ErrorCode.NoWatcher;
    }
}
