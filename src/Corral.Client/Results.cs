using Corral.Protocol;

namespace Corral.Client;

/// <summary>A node's data (null when the node was created with null data, as zkCli's "create /a" does) and its Stat.</summary>
public sealed record NodeData(byte[]? Data, Stat Stat)
{
    /// <summary>The data as UTF-8 text ("" for null data).</summary>
    public string DataAsString => Data is null ? "" : System.Text.Encoding.UTF8.GetString(Data);
}

/// <summary>A node's child names (relative, unsorted as the server returns them) and the parent's Stat.</summary>
public sealed record NodeChildren(IReadOnlyList<string> Children, Stat Stat);

/// <summary>The outcome of a create: the actual path (with any sequence suffix) and the new node's Stat.</summary>
public sealed record CreatedNode(string Path, Stat Stat);

/// <summary>A node's ACL and its Stat.</summary>
public sealed record NodeAcl(IReadOnlyList<Acl> Acl, Stat Stat);

/// <summary>
/// The result of a read that also set a one-shot watch: <see cref="Changed"/> completes with the
/// first event for the node. It faults with <see cref="SessionExpiredException"/> if the session
/// expires first, and is cancelled if the client is closed.
/// </summary>
public sealed record Watched<T>(T Value, Task<WatchedEvent> Changed);

/// <summary>A watch notification, with the path relative to the client's chroot.</summary>
public sealed record WatchedEvent(EventType Type, KeeperState State, string? Path)
{
    public override string ToString() => $"WatchedEvent state:{State} type:{Type} path:{Path}";
}

/// <summary>The client's view of its connection and session.</summary>
public enum ConnectionState
{
    Connecting,
    Connected,
    /// <summary>The connection broke; the client is reconnecting and the session may still be alive.</summary>
    Disconnected,
    /// <summary>Terminal: the session expired.</summary>
    Expired,
    /// <summary>Terminal: the server rejected the credentials.</summary>
    AuthFailed,
    /// <summary>Terminal: the application closed the client.</summary>
    Closed,
}
