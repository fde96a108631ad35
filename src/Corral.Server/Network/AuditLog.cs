using Corral.Protocol;
using Microsoft.Extensions.Logging;

namespace Corral.Server.Network;

/// <summary>
/// The audit log of writes (<c>audit.enable=true</c>): one Information line per state-changing
/// request under the logger category "Corral.Audit", in ZooKeeper's key=value layout
/// (<c>session=0x.. user=.. ip=.. operation=.. znode=.. result=..</c>), written when the reply
/// leaves, so the result is known. Route the category to its own sink to keep an audit file.
/// </summary>
public sealed class AuditLog(ILogger logger, bool enabled)
{
    public const string Category = "Corral.Audit";

    public bool Enabled { get; } = enabled;

    /// <summary>True for the operations ZooKeeper audits (the ones that change state).</summary>
    public static bool IsAudited(OpCode op) => op is OpCode.Create or OpCode.Create2 or OpCode.CreateTtl or OpCode.CreateContainer
        or OpCode.Delete or OpCode.DeleteContainer or OpCode.SetData or OpCode.SetAcl or OpCode.Multi or OpCode.Reconfig
        or OpCode.CloseSession;

    /// <summary>True when the request body starts with the znode path (not multi, reconfig or closeSession).</summary>
    public static bool HasPath(OpCode op) => op is not (OpCode.Multi or OpCode.Reconfig or OpCode.CloseSession);

    /// <summary>ZooKeeper's audit operation names.</summary>
    public static string OperationName(OpCode op) => op switch
    {
        OpCode.Create or OpCode.Create2 or OpCode.CreateTtl or OpCode.CreateContainer => "create",
        OpCode.Delete or OpCode.DeleteContainer => "delete",
        OpCode.SetData => "setData",
        OpCode.SetAcl => "setAcl",
        OpCode.Multi => "multiOperation",
        OpCode.Reconfig => "reconfig",
        OpCode.CloseSession => "closeSession",
        _ => op.ToString(),
    };

    public void Write(long sessionId, string user, string ip, OpCode op, string? path, ErrorCode result)
    {
        if (!Enabled) return;
        logger.LogInformation("session=0x{Session:x} user={User} ip={Ip} operation={Operation} znode={Path} result={Result}",
            sessionId, user, ip, OperationName(op), path ?? "", result == ErrorCode.Ok ? "success" : $"failure({result})");
    }
}
