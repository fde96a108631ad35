using Corral.Client.Internal;
using Corral.Client.Watches;
using Corral.Protocol;
using Microsoft.Extensions.Logging;

namespace Corral.Client;

public sealed partial class CorralClient
{
    private static readonly ReplyParser<bool> NoBody = static (ref JuteReader _, ConnectionString _) => true;
    private static readonly ReplyParser<Stat> StatBody = static (ref JuteReader r, ConnectionString _) => Stat.Read(ref r);
    private static readonly ReplyParser<Stat?> OptionalStat = static (ref JuteReader r, ConnectionString _) => Stat.Read(ref r);
    private static readonly ReplyParser<CreatedNode> CreatedBody = static (ref JuteReader r, ConnectionString paths) =>
    {
        var reply = Create2Response.Read(ref r);
        return new CreatedNode(paths.ToClientPath(reply.Path ?? ""), reply.Stat);
    };
    private static readonly ReplyParser<NodeData> DataBody = static (ref JuteReader r, ConnectionString _) =>
    {
        var reply = GetDataResponse.Read(ref r);
        return new NodeData(reply.Data, reply.Stat);
    };
    private static readonly ReplyParser<NodeChildren> ChildrenBody = static (ref JuteReader r, ConnectionString _) =>
    {
        var reply = GetChildren2Response.Read(ref r);
        return new NodeChildren(reply.Children ?? [], reply.Stat);
    };

    /// <summary>
    /// Creates a node. Sequential modes append a 10-digit counter (the returned path has it); TTL
    /// modes need <paramref name="ttl"/> (and a server with extended types enabled).
    /// </summary>
    public Task<CreatedNode> CreateAsync(string path, byte[]? data, CreateMode mode = CreateMode.Persistent,
        IReadOnlyList<Acl>? acl = null, TimeSpan? ttl = null, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path, mode.IsSequential());
        acl ??= Acl.OpenAclUnsafe;
        if (acl.Count == 0) throw new InvalidAclException(path);
        if (mode.IsTtl())
        {
            if (ttl is not { } t || t <= TimeSpan.Zero) throw new ArgumentException("a TTL create mode needs a positive ttl", nameof(ttl));
            return Send(OpCode.CreateTtl, new CreateTTLRequest(serverPath, data, acl, mode, (long)t.TotalMilliseconds), path, CreatedBody, ct);
        }
        if (ttl is not null) throw new ArgumentException("ttl is only valid with a TTL create mode", nameof(ttl));
        var op = mode == CreateMode.Container ? OpCode.CreateContainer : OpCode.Create2;
        return Send(op, new CreateRequest(serverPath, data, acl, mode), path, CreatedBody, ct);
    }

    /// <summary>Creates a node with UTF-8 text as its data.</summary>
    public Task<CreatedNode> CreateAsync(string path, string data, CreateMode mode = CreateMode.Persistent, CancellationToken ct = default) =>
        CreateAsync(path, System.Text.Encoding.UTF8.GetBytes(data), mode, null, null, ct);

    /// <summary>Deletes a node; <paramref name="version"/> -1 matches any version.</summary>
    public Task DeleteAsync(string path, int version = -1, CancellationToken ct = default) =>
        Send(OpCode.Delete, new DeleteRequest(ServerPath(path), version), path, NoBody, ct);

    /// <summary>The node's Stat, or null when it does not exist.</summary>
    public Task<Stat?> ExistsAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        return Idempotent(() => Send(OpCode.Exists, new ExistsRequest(serverPath, false), path, OptionalStat, ct, noNodeIsNull: true), ct);
    }

    /// <summary>
    /// Exists plus a one-shot watch: fires NodeCreated if the node is missing now, otherwise
    /// NodeDataChanged or NodeDeleted.
    /// </summary>
    public Task<Watched<Stat?>> ExistsWatchAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        var watch = NewWatch();
        var reply = Send(OpCode.Exists, new ExistsRequest(serverPath, true), path, OptionalStat, ct,
            new WatchRegistration(OneShotKind.Exist, serverPath, watch), noNodeIsNull: true);
        return Pair(reply, watch.Task);
    }

    public Task<NodeData> GetDataAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        return Idempotent(() => Send(OpCode.GetData, new GetDataRequest(serverPath, false), path, DataBody, ct), ct);
    }

    /// <summary>GetData plus a one-shot watch that fires on NodeDataChanged or NodeDeleted.</summary>
    public Task<Watched<NodeData>> GetDataWatchAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        var watch = NewWatch();
        var reply = Send(OpCode.GetData, new GetDataRequest(serverPath, true), path, DataBody, ct,
            new WatchRegistration(OneShotKind.Data, serverPath, watch));
        return Pair(reply, watch.Task);
    }

    /// <summary>Sets a node's data; <paramref name="version"/> -1 matches any version. Returns the new Stat.</summary>
    public Task<Stat> SetDataAsync(string path, byte[]? data, int version = -1, CancellationToken ct = default) =>
        Send(OpCode.SetData, new SetDataRequest(ServerPath(path), data, version), path, StatBody, ct);

    public Task<Stat> SetDataAsync(string path, string data, int version = -1, CancellationToken ct = default) =>
        SetDataAsync(path, System.Text.Encoding.UTF8.GetBytes(data), version, ct);

    /// <summary>Child names (unsorted, as the server returns them) and the parent's Stat.</summary>
    public Task<NodeChildren> GetChildrenAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        return Idempotent(() => Send(OpCode.GetChildren2, new GetChildren2Request(serverPath, false), path, ChildrenBody, ct), ct);
    }

    /// <summary>GetChildren plus a one-shot watch that fires on NodeChildrenChanged or NodeDeleted.</summary>
    public Task<Watched<NodeChildren>> GetChildrenWatchAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        var watch = NewWatch();
        var reply = Send(OpCode.GetChildren2, new GetChildren2Request(serverPath, true), path, ChildrenBody, ct,
            new WatchRegistration(OneShotKind.Child, serverPath, watch));
        return Pair(reply, watch.Task);
    }

    public Task<NodeAcl> GetAclAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        return Idempotent(() => Send(OpCode.GetAcl, new GetACLRequest(serverPath), path,
            static (ref JuteReader r, ConnectionString _) =>
            {
                var reply = GetACLResponse.Read(ref r);
                return new NodeAcl(reply.Acl ?? [], reply.Stat);
            }, ct), ct);
    }

    /// <summary>Replaces a node's ACL; <paramref name="aclVersion"/> is compared with Stat.Aversion (-1 matches any).</summary>
    public Task<Stat> SetAclAsync(string path, IReadOnlyList<Acl> acl, int aclVersion = -1, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(acl);
        return Send(OpCode.SetAcl, new SetACLRequest(ServerPath(path), acl, aclVersion), path, StatBody, ct);
    }

    /// <summary>Waits until the server this client talks to has caught up with the leader; returns the path.</summary>
    public Task<string> SyncAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        return Idempotent(() => Send(OpCode.Sync, new SyncRequest(serverPath), path,
            static (ref JuteReader r, ConnectionString paths) => paths.ToClientPath(SyncResponse.Read(ref r).Path ?? ""), ct), ct);
    }

    /// <summary>This session's ephemeral nodes whose paths start with <paramref name="prefixPath"/>.</summary>
    public Task<IReadOnlyList<string>> GetEphemeralsAsync(string prefixPath = "/", CancellationToken ct = default)
    {
        string serverPath = ServerPath(prefixPath);
        return Idempotent(() => Send(OpCode.GetEphemerals, new GetEphemeralsRequest(serverPath), prefixPath,
            static (ref JuteReader r, ConnectionString paths) =>
                (IReadOnlyList<string>)(GetEphemeralsResponse.Read(ref r).Ephemerals ?? []).Select(paths.ToClientPath).ToList(), ct), ct);
    }

    /// <summary>The number of descendants of a node (children, grandchildren, ...).</summary>
    public Task<int> GetAllChildrenNumberAsync(string path, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        return Idempotent(() => Send(OpCode.GetAllChildrenNumber, new GetAllChildrenNumberRequest(serverPath), path,
            static (ref JuteReader r, ConnectionString _) => GetAllChildrenNumberResponse.Read(ref r).TotalNumber, ct), ct);
    }

    /// <summary>The identities the server associates with this connection (e.g. ip:127.0.0.1, digest:bob).</summary>
    public Task<IReadOnlyList<ClientInfo>> WhoAmIAsync(CancellationToken ct = default) =>
        Idempotent(() => Send(OpCode.WhoAmI, null, null,
            static (ref JuteReader r, ConnectionString _) => WhoAmIResponse.Read(ref r).ClientInfo ?? [], ct), ct);

    /// <summary>
    /// Adds credentials to the session (e.g. "digest", "user:password"); they are re-sent on every
    /// reconnect. Rejected credentials throw <see cref="AuthFailedException"/> and end the client.
    /// </summary>
    public Task AddAuthAsync(string scheme, byte[] auth, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        var packet = new AuthPacket(0, scheme, auth);
        _session.RememberAuth(packet);
        return Send(OpCode.Auth, packet, null, NoBody, ct);
    }

    public Task AddAuthAsync(string scheme, string auth, CancellationToken ct = default) =>
        AddAuthAsync(scheme, System.Text.Encoding.UTF8.GetBytes(auth), ct);

    /// <summary>
    /// Adds a persistent (or persistent-recursive) watch and returns its event stream, buffered from
    /// now. Recursive watches get NodeCreated/NodeDeleted/NodeDataChanged for the node and every
    /// descendant (never NodeChildrenChanged). Dispose the stream to remove the watch.
    /// </summary>
    public async Task<PersistentWatch> AddWatchAsync(string path, AddWatchMode mode = AddWatchMode.Persistent, CancellationToken ct = default)
    {
        string serverPath = ServerPath(path);
        var watch = new PersistentWatch(path, serverPath, mode, RemovePersistentAsync);
        // Registered locally first, so that no event between the server's registration and our
        // reply is dropped; undone if the server refuses.
        _session.Watches.AddPersistent(watch);
        try
        {
            await Send(OpCode.AddWatch, new AddWatchRequest(serverPath, mode), path, NoBody, ct).ConfigureAwait(false);
        }
        catch
        {
            _session.Watches.RemovePersistent(watch);
            throw;
        }
        return watch;
    }

    private async ValueTask RemovePersistentAsync(PersistentWatch watch)
    {
        if (!_session.Watches.RemovePersistent(watch) || State != ConnectionState.Connected) return;
        var type = watch.Mode == AddWatchMode.Persistent ? WatcherType.Persistent : WatcherType.PersistentRecursive;
        try
        {
            await Send(OpCode.RemoveWatches, new RemoveWatchesRequest(watch.ServerPath, type), watch.Path, NoBody, default).ConfigureAwait(false);
        }
        catch (ZooKeeperException e)
        {
            // 3.8 servers do not know watcher types 4 and 5 (MARSHALLINGERROR); the watch is
            // already gone locally, so its remaining server-side events are simply ignored.
            _log.LogDebug("removing the persistent watch on {Path} failed: {Message}", watch.Path, e.Message);
        }
        catch (Exception e) when (e is ObjectDisposedException or TaskCanceledException)
        {
        }
    }

    /// <summary>
    /// Removes this client's one-shot watches of <paramref name="type"/> (Data, Children or Any) on
    /// a path. Their tasks complete with DataWatchRemoved / ChildWatchRemoved. With
    /// <paramref name="local"/> the server is not asked (useful while disconnected). Throws
    /// <see cref="NoWatcherException"/> when there was no such watch.
    /// </summary>
    public async Task RemoveWatchesAsync(string path, WatcherType type, bool local = false, CancellationToken ct = default)
    {
        if (type is not (WatcherType.Data or WatcherType.Children or WatcherType.Any))
            throw new ArgumentException("use PersistentWatch.DisposeAsync to remove a persistent watch", nameof(type));
        string serverPath = ServerPath(path);
        if (!_session.Watches.HasOneShot(serverPath, type)) throw new NoWatcherException(path);
        if (!local)
            await Send(OpCode.RemoveWatches, new RemoveWatchesRequest(serverPath, type), path, NoBody, ct).ConfigureAwait(false);
        bool data = type is WatcherType.Data or WatcherType.Any;
        bool children = type is WatcherType.Children or WatcherType.Any;
        if (data)
            foreach (var w in _session.Watches.TakeOneShot(serverPath, WatcherType.Data))
                w.TrySetResult(new WatchedEvent(EventType.DataWatchRemoved, KeeperState.SyncConnected, path));
        if (children)
            foreach (var w in _session.Watches.TakeOneShot(serverPath, WatcherType.Children))
                w.TrySetResult(new WatchedEvent(EventType.ChildWatchRemoved, KeeperState.SyncConnected, path));
    }

    private static async Task<Watched<T>> Pair<T>(Task<T> reply, Task<WatchedEvent> changed) =>
        new(await reply.ConfigureAwait(false), changed);
}
