using Corral.Protocol;

namespace Corral.Core.Watches;

/// <summary>Something that holds watches: a client connection (watches belong to connections, not sessions).</summary>
public interface IWatcher
{
    /// <summary>The session behind the connection, for the wchc/wchp dumps.</summary>
    long SessionId { get; }

    /// <summary>Whether this watcher holds READ under the given ACL; events it cannot read are dropped (CVE-2024-23944).</summary>
    bool CanRead(IReadOnlyList<Acl> acl);

    /// <summary>Delivers one notification. zxid is the firing transaction's zxid, or -1 for SetWatches catch-up events.</summary>
    void Notify(EventType type, string path, long zxid);
}

/// <summary>How a watch was registered; one watcher may hold several modes on the same path.</summary>
[Flags]
public enum WatchModes : byte
{
    None = 0,
    Standard = 1,
    Persistent = 2,
    PersistentRecursive = 4,
}
