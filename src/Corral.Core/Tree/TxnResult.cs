using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tree;

/// <summary>What applying one transaction did: the error (Ok on success), the created path and the
/// resulting Stat where the reply needs them, and one result per operation for a multi.</summary>
public sealed record TxnResult(TxnType Type, ErrorCode Error, string? Path = null, Stat? Stat = null,
    IReadOnlyList<TxnResult>? MultiResults = null)
{
    public bool Succeeded => Error == ErrorCode.Ok;
}

/// <summary>A watch trigger produced while applying: the path, the event, and the ACL that decides
/// which watchers may see it (the node's for created/deleted/data-changed, the parent's for children-changed).</summary>
public readonly record struct WatchTrigger(string Path, EventType Type, IReadOnlyList<Acl> Acl);
