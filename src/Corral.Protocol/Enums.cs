namespace Corral.Protocol;

/// <summary>Watcher.Event.EventType values carried in WatcherEvent.type.</summary>
public enum EventType
{
    None = -1,
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
    DataWatchRemoved = 5,
    ChildWatchRemoved = 6,
    PersistentWatchRemoved = 7,
}

/// <summary>Watcher.Event.KeeperState values. A server only ever sends SyncConnected.</summary>
public enum KeeperState
{
    Unknown = -1,
    Disconnected = 0,
    NoSyncConnected = 1,
    SyncConnected = 3,
    AuthFailed = 4,
    ConnectedReadOnly = 5,
    SaslAuthenticated = 6,
    Expired = -112,
    Closed = 7,
}

/// <summary>CreateRequest.flags values (CreateMode).</summary>
public enum CreateMode
{
    Persistent = 0,
    Ephemeral = 1,
    PersistentSequential = 2,
    EphemeralSequential = 3,
    Container = 4,
    PersistentWithTtl = 5,
    PersistentSequentialWithTtl = 6,
}

public static class CreateModes
{
    public static bool IsValid(int flags) => flags is >= 0 and <= 6;
    public static bool IsEphemeral(this CreateMode m) => m is CreateMode.Ephemeral or CreateMode.EphemeralSequential;
    public static bool IsSequential(this CreateMode m) =>
        m is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl;
    public static bool IsTtl(this CreateMode m) => m is CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl;
    public static bool IsContainer(this CreateMode m) => m == CreateMode.Container;
}

/// <summary>ZooDefs.Perms bits.</summary>
[Flags]
public enum Perms
{
    None = 0,
    Read = 1,
    Write = 2,
    Create = 4,
    Delete = 8,
    Admin = 16,
    All = 31,
}

/// <summary>WatcherType used by checkWatches and removeWatches.</summary>
public enum WatcherType
{
    Children = 1,
    Data = 2,
    Any = 3,
    Persistent = 4,
    PersistentRecursive = 5,
}

/// <summary>AddWatchRequest.mode.</summary>
public enum AddWatchMode
{
    Persistent = 0,
    PersistentRecursive = 1,
}
