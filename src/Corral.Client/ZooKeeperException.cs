using Corral.Protocol;

namespace Corral.Client;

/// <summary>
/// A failed ZooKeeper operation: <see cref="Code"/> is the server's (or the client's) error code and
/// <see cref="Path"/> the client-side path the operation was about, when there was one. Each code a
/// caller commonly handles has its own subclass, so <c>catch (NoNodeException)</c> works.
/// </summary>
public class ZooKeeperException : Exception
{
    public ZooKeeperException(ErrorCode code, string? path = null, string? message = null, Exception? inner = null)
        : base(message ?? Describe(code, path), inner)
    {
        Code = code;
        Path = path;
    }

    public ErrorCode Code { get; }
    public string? Path { get; }

    /// <summary>For a failed multi: every operation's result (ErrorResult entries), in order.</summary>
    public IReadOnlyList<OpResult>? Results { get; init; }

    /// <summary>ZooKeeper's wording ("KeeperErrorCode = NoNode for /a"), which zkCli users recognise.</summary>
    public static string Describe(ErrorCode code, string? path) =>
        path is null ? $"KeeperErrorCode = {CodeName(code)}" : $"KeeperErrorCode = {CodeName(code)} for {path}";

    /// <summary>The name Java's KeeperException uses for a code.</summary>
    public static string CodeName(ErrorCode code) => code switch
    {
        ErrorCode.NoNode => "NoNode",
        ErrorCode.NodeExists => "NodeExists",
        ErrorCode.BadVersion => "BadVersion",
        ErrorCode.NotEmpty => "Directory not empty",
        ErrorCode.NoAuth => "NoAuth",
        ErrorCode.ConnectionLoss => "ConnectionLoss",
        ErrorCode.SessionExpired => "Session expired",
        ErrorCode.BadArguments => "BadArguments",
        ErrorCode.InvalidAcl => "InvalidACL",
        ErrorCode.AuthFailed => "AuthFailed",
        ErrorCode.NoChildrenForEphemerals => "NoChildrenForEphemerals",
        ErrorCode.Unimplemented => "Unimplemented",
        ErrorCode.OperationTimeout => "OperationTimeout",
        ErrorCode.MarshallingError => "MarshallingError",
        ErrorCode.NoWatcher => "No such watcher",
        ErrorCode.SessionMoved => "Session moved",
        ErrorCode.RuntimeInconsistency => "RuntimeInconsistency",
        ErrorCode.SystemError => "SystemError",
        ErrorCode.QuotaExceeded => "Quota has exceeded",
        _ => code.ToString(),
    };

    /// <summary>The exception type for a code: a specific subclass where one exists.</summary>
    public static ZooKeeperException Create(ErrorCode code, string? path = null) => code switch
    {
        ErrorCode.NoNode => new NoNodeException(path),
        ErrorCode.NodeExists => new NodeExistsException(path),
        ErrorCode.BadVersion => new BadVersionException(path),
        ErrorCode.NotEmpty => new NotEmptyException(path),
        ErrorCode.NoAuth => new NoAuthException(path),
        ErrorCode.ConnectionLoss => new ConnectionLossException(path),
        ErrorCode.SessionExpired => new SessionExpiredException(path),
        ErrorCode.BadArguments => new BadArgumentsException(path),
        ErrorCode.InvalidAcl => new InvalidAclException(path),
        ErrorCode.AuthFailed => new AuthFailedException(path),
        ErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path),
        ErrorCode.Unimplemented => new UnimplementedException(path),
        ErrorCode.OperationTimeout => new OperationTimeoutException(path),
        ErrorCode.NoWatcher => new NoWatcherException(path),
        ErrorCode.QuotaExceeded => new QuotaExceededException(path),
        _ => new ZooKeeperException(code, path),
    };
}

public sealed class NoNodeException(string? path = null) : ZooKeeperException(ErrorCode.NoNode, path);
public sealed class NodeExistsException(string? path = null) : ZooKeeperException(ErrorCode.NodeExists, path);
public sealed class BadVersionException(string? path = null) : ZooKeeperException(ErrorCode.BadVersion, path);
public sealed class NotEmptyException(string? path = null) : ZooKeeperException(ErrorCode.NotEmpty, path);
public sealed class NoAuthException(string? path = null) : ZooKeeperException(ErrorCode.NoAuth, path);
public sealed class BadArgumentsException(string? path = null, string? message = null) : ZooKeeperException(ErrorCode.BadArguments, path, message);
public sealed class InvalidAclException(string? path = null) : ZooKeeperException(ErrorCode.InvalidAcl, path);
public sealed class AuthFailedException(string? path = null) : ZooKeeperException(ErrorCode.AuthFailed, path);
public sealed class NoChildrenForEphemeralsException(string? path = null) : ZooKeeperException(ErrorCode.NoChildrenForEphemerals, path);
public sealed class UnimplementedException(string? path = null) : ZooKeeperException(ErrorCode.Unimplemented, path);
public sealed class OperationTimeoutException(string? path = null) : ZooKeeperException(ErrorCode.OperationTimeout, path);
public sealed class NoWatcherException(string? path = null) : ZooKeeperException(ErrorCode.NoWatcher, path);
/// <summary>The write would take a subtree over a hard quota (servers with enforceQuota on; see docs/quotas.md).</summary>
public sealed class QuotaExceededException(string? path = null) : ZooKeeperException(ErrorCode.QuotaExceeded, path);

/// <summary>The connection broke before the reply arrived: the operation may or may not have been applied.
/// Also thrown by <c>CorralClient.ConnectAsync</c> when no server gave a session within its budget;
/// <see cref="Exception.InnerException"/> is then the last attempt's failure (see docs/client.md).</summary>
public sealed class ConnectionLossException(string? path = null, Exception? inner = null, string? message = null)
    : ZooKeeperException(ErrorCode.ConnectionLoss, path, message, inner);

/// <summary>The session is gone (told by the server, or detected by the client); this client is finished.</summary>
public sealed class SessionExpiredException(string? path = null) : ZooKeeperException(ErrorCode.SessionExpired, path);

/// <summary>The client was closed (disposed) before the operation completed.</summary>
public sealed class ClientClosedException() : ObjectDisposedException(nameof(CorralClient), "the ZooKeeper client is closed");
