using Corral.Core.Acls;
using Corral.Core.Quotas;
using Corral.Core.Server;
using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Processing;

/// <summary>
/// ZooKeeper's PrepRequestProcessor for single write operations: validates a request against the tree
/// as it will be once pending transactions apply, in ZooKeeper's exact check order (fact sheet §6.3),
/// and turns it into a fully resolved transaction, recording its effect in <see cref="PendingChanges"/>.
/// A failure returns the error code and records nothing.
/// </summary>
public sealed partial class RequestPreparer
{
    private readonly PendingChanges _pending;
    private readonly CoreOptions _options;

    public RequestPreparer(PendingChanges pending, CoreOptions options)
    {
        _pending = pending;
        _options = options;
        Quotas = new QuotaChecker(pending.Tree, options.EnforceQuota, options.QuotaWarning);
    }

    /// <summary>The quota check of creates and setData, with its counters.</summary>
    public QuotaChecker Quotas { get; }

    /// <summary>create (1), create2 (15), createContainer (19) and createTTL (21; pass its ttl, else -1).</summary>
    public ErrorCode Create(in PrepContext ctx, OpCode op, string? path, byte[]? data, IReadOnlyList<Acl>? acl,
        int flags, long ttl, out Txn? txn)
    {
        txn = null;
        if (!CreateModes.IsValid(flags)) return ErrorCode.BadArguments;
        var mode = (CreateMode)flags;
        if (mode.IsTtl() && !_options.ExtendedTypesEnabled) return ErrorCode.Unimplemented;
        if (mode.IsTtl() ? ttl <= 0 || ttl > DataTree.MaxTtl : ttl >= 0) return ErrorCode.BadArguments;
        if (path is null || path.LastIndexOf('/') < 0 || path.Contains('\0')) return ErrorCode.BadArguments;
        if (data is not null && data.Length > _options.MaxDataBytes) return ErrorCode.BadArguments;
        var fix = AclChecker.Fixup(acl, ctx.Ids, out var fixedAcl, _options.X509Enabled);
        if (fix != ErrorCode.Ok) return fix;
        string parentPath = ParentForCreate(path);
        var parent = _pending.Get(parentPath);
        if (parent is null) return ErrorCode.NoNode;
        if (!AclChecker.Allows(parent.Acl, Perms.Create, ctx.Ids)) return ErrorCode.NoAuth;
        if (mode.IsSequential()) path += parent.ChildCreations.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
        if (!ZPath.IsValid(path)) return ErrorCode.BadArguments;
        if (_pending.Get(path) is not null) return ErrorCode.NodeExists;
        if (IsSessionEphemeral(parent.RawOwner)) return ErrorCode.NoChildrenForEphemerals;
        var quota = Quotas.CheckCreate(path, data?.Length ?? 0);
        if (quota != ErrorCode.Ok) return quota;

        int newC = parent.ChildCreations + 1;
        long rawOwner = mode.IsContainer() ? DataTree.ContainerOwner
            : mode.IsTtl() ? DataTree.TtlOwner(ttl)
            : mode.IsEphemeral() ? ctx.SessionId : 0;
        txn = op switch
        {
            OpCode.CreateContainer => new CreateContainerTxn(path, data, fixedAcl, newC),
            OpCode.CreateTtl => new CreateTtlTxn(path, data, fixedAcl, ttl, newC),
            _ => new CreateTxn(path, data, fixedAcl, mode.IsEphemeral() ? ctx.SessionId : 0, newC),
        };
        var parentAfter = parent.With(ctx.Zxid);
        parentAfter.ChildCreations = newC;
        parentAfter.NumChildren++;
        _pending.Put(parentPath, parentAfter);
        // The node's kind follows the opcode when it is applied (containers only via 19, TTL only via 21).
        long appliedOwner = txn switch
        {
            CreateContainerTxn => DataTree.ContainerOwner,
            CreateTtlTxn => rawOwner,
            CreateTxn c => c.EphemeralOwner,
            _ => 0,
        };
        _pending.Put(path, new NodeView { Exists = true, Acl = fixedAcl, RawOwner = appliedOwner, DataLength = data?.Length ?? 0, Zxid = ctx.Zxid });
        return ErrorCode.Ok;
    }

    /// <summary>delete (2).</summary>
    public ErrorCode Delete(in PrepContext ctx, string? path, int version, out Txn? txn)
    {
        txn = null;
        if (path is null || path.LastIndexOf('/') < 0 || path.Contains('\0') || DataTree.IsBuiltIn(path)) return ErrorCode.BadArguments;
        string parentPath = ZPath.Parent(path);
        var parent = _pending.Get(parentPath);
        if (parent is null) return ErrorCode.NoNode;
        if (!AclChecker.Allows(parent.Acl, Perms.Delete, ctx.Ids)) return ErrorCode.NoAuth;
        var node = _pending.Get(path);
        if (node is null) return ErrorCode.NoNode;
        if (!VersionMatches(node.Version, version)) return ErrorCode.BadVersion;
        if (node.NumChildren > 0) return ErrorCode.NotEmpty;
        txn = new DeleteTxn(path);
        RecordDelete(ctx.Zxid, parentPath, parent, path);
        return ErrorCode.Ok;
    }

    /// <summary>deleteContainer (20): the reaper's delete; no ACL check, refuses ordinary ephemerals.</summary>
    public ErrorCode DeleteContainer(in PrepContext ctx, string? path, out Txn? txn)
    {
        txn = null;
        if (path is null || path.LastIndexOf('/') < 0 || path.Contains('\0') || DataTree.IsBuiltIn(path)) return ErrorCode.BadArguments;
        var node = _pending.Get(path);
        if (node is null) return ErrorCode.NoNode;
        if (node.NumChildren > 0) return ErrorCode.NotEmpty;
        if (IsSessionEphemeral(node.RawOwner)) return ErrorCode.BadVersion;
        string parentPath = ZPath.Parent(path);
        var parent = _pending.Get(parentPath);
        if (parent is null) return ErrorCode.NoNode;
        txn = new DeleteContainerTxn(path);
        RecordDelete(ctx.Zxid, parentPath, parent, path);
        return ErrorCode.Ok;
    }

    private void RecordDelete(long zxid, string parentPath, NodeView parent, string path)
    {
        var parentAfter = parent.With(zxid);
        parentAfter.NumChildren--;
        _pending.Put(parentPath, parentAfter);
        _pending.Put(path, NodeView.Deleted(zxid));
    }

    /// <summary>setData (5).</summary>
    public ErrorCode SetData(in PrepContext ctx, string? path, byte[]? data, int version, out Txn? txn)
    {
        txn = null;
        if (!ZPath.IsValid(path)) return ErrorCode.BadArguments;
        var node = _pending.Get(path!);
        if (node is null) return ErrorCode.NoNode;
        if (!AclChecker.Allows(node.Acl, Perms.Write, ctx.Ids)) return ErrorCode.NoAuth;
        if (data is not null && data.Length > _options.MaxDataBytes) return ErrorCode.BadArguments;
        // ZooKeeper checks the quota after the ACL and before the version, with the data as it will be.
        var quota = Quotas.CheckSetData(path!, node.DataLength, data?.Length ?? 0);
        if (quota != ErrorCode.Ok) return quota;
        if (!VersionMatches(node.Version, version)) return ErrorCode.BadVersion;
        int newVersion = NextVersion(node.Version);
        txn = new SetDataTxn(path!, data, newVersion);
        var after = node.With(ctx.Zxid);
        after.Version = newVersion;
        after.DataLength = data?.Length ?? 0;
        _pending.Put(path!, after);
        return ErrorCode.Ok;
    }

    /// <summary>setACL (7): the version is checked against aversion.</summary>
    public ErrorCode SetAcl(in PrepContext ctx, string? path, IReadOnlyList<Acl>? acl, int version, out Txn? txn)
    {
        txn = null;
        if (!ZPath.IsValid(path)) return ErrorCode.BadArguments;
        var fix = AclChecker.Fixup(acl, ctx.Ids, out var fixedAcl, _options.X509Enabled);
        if (fix != ErrorCode.Ok) return fix;
        var node = _pending.Get(path!);
        if (node is null) return ErrorCode.NoNode;
        if (!AclChecker.Allows(node.Acl, Perms.Admin, ctx.Ids)) return ErrorCode.NoAuth;
        if (!VersionMatches(node.Aversion, version)) return ErrorCode.BadVersion;
        int newAversion = NextVersion(node.Aversion);
        txn = new SetAclTxn(path!, fixedAcl, newAversion);
        var after = node.With(ctx.Zxid);
        after.Aversion = newAversion;
        after.Acl = fixedAcl;
        _pending.Put(path!, after);
        return ErrorCode.Ok;
    }

    /// <summary>check (13), inside a multi only.</summary>
    public ErrorCode Check(in PrepContext ctx, string? path, int version, out Txn? txn)
    {
        txn = null;
        if (!ZPath.IsValid(path)) return ErrorCode.BadArguments;
        var node = _pending.Get(path!);
        if (node is null) return ErrorCode.NoNode;
        if (!AclChecker.Allows(node.Acl, Perms.Read, ctx.Ids)) return ErrorCode.NoAuth;
        if (!VersionMatches(node.Version, version)) return ErrorCode.BadVersion;
        txn = new CheckVersionTxn(path!, version);
        return ErrorCode.Ok;
    }

    /// <summary>closeSession: every ephemeral the session will own once pending changes apply.</summary>
    public Txn CloseSession(in PrepContext ctx)
    {
        var paths = _pending.EphemeralsOf(ctx.SessionId);
        foreach (var path in paths)
        {
            string parentPath = ZPath.Parent(path);
            if (_pending.Get(parentPath) is { } parent)
            {
                var parentAfter = parent.With(ctx.Zxid);
                parentAfter.NumChildren--;
                _pending.Put(parentPath, parentAfter);
            }
            _pending.Put(path, NodeView.Deleted(ctx.Zxid));
        }
        return new CloseSessionTxn(paths);
    }

    private static bool IsSessionEphemeral(long rawOwner) =>
        rawOwner != 0 && rawOwner != DataTree.ContainerOwner && !DataTree.IsTtlOwner(rawOwner);

    private static bool VersionMatches(int current, int expected) => expected == -1 || expected == current;

    // After int.MaxValue wraps to int.MinValue the next version skips -1, which clients read as "any" (ZOOKEEPER-4743).
    private static int NextVersion(int current) => current + 1 == -1 ? 0 : unchecked(current + 1);

    // ZooKeeper takes everything before the last '/' ("" for "/a", which names the root).
    private static string ParentForCreate(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash == 0 ? "/" : path[..slash];
    }
}
