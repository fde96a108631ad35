using System.Text;
using Corral.Core.Acls;
using Corral.Core.Tree;
using Corral.Protocol;

namespace Corral.Core.Server;

public sealed partial class ServerCore
{
    /// <summary>Answers a request that needs no transaction, from the tree as applied so far.</summary>
    private void ExecuteImmediate(CoreConnection conn, PendingRequest request)
    {
        long zxid = _tree.LastProcessedZxid;
        if (request.PresetError != ErrorCode.Ok)
        {
            SendReply(conn, request.Xid, zxid, request.PresetError);
            return;
        }
        switch (request.Op)
        {
            case OpCode.CloseSession: // only here when the session was already closing
                SendReply(conn, request.Xid, zxid, ErrorCode.Ok);
                CloseConnection(conn);
                break;
            case OpCode.Ping:
                SendReply(conn, request.Xid, zxid, ErrorCode.Ok);
                break;
            case OpCode.Exists:
                Exists(conn, request.Xid, (ExistsRequest)request.Body!, zxid);
                break;
            case OpCode.GetData:
            {
                var q = (GetDataRequest)request.Body!;
                var node = FindReadable(conn, q.Path, out var code);
                if (code == ErrorCode.Ok && q.Watch) _watches.AddDataWatch(q.Path!, conn);
                if (node is null) SendReply(conn, request.Xid, zxid, code);
                else SendDataReply(conn, request.Xid, zxid, node);
                break;
            }
            case OpCode.GetChildren:
            {
                var q = (GetChildrenRequest)request.Body!;
                var code = GetChildren(conn, q.Path, out var children, out _);
                if (code == ErrorCode.Ok && q.Watch) _watches.AddChildWatch(q.Path!, conn);
                SendReply(conn, request.Xid, zxid, code, code == ErrorCode.Ok ? new GetChildrenResponse(children) : null);
                break;
            }
            case OpCode.GetChildren2:
            {
                var q = (GetChildren2Request)request.Body!;
                var code = GetChildren(conn, q.Path, out var children, out var stat);
                if (code == ErrorCode.Ok && q.Watch) _watches.AddChildWatch(q.Path!, conn);
                SendReply(conn, request.Xid, zxid, code, code == ErrorCode.Ok ? new GetChildren2Response(children, stat) : null);
                break;
            }
            case OpCode.GetAcl:
                GetAcl(conn, request.Xid, (GetACLRequest)request.Body!, zxid);
                break;
            case OpCode.GetAllChildrenNumber:
            {
                var node = FindReadable(conn, ((GetAllChildrenNumberRequest)request.Body!).Path, out var code);
                SendReply(conn, request.Xid, zxid, code, node is null ? null : new GetAllChildrenNumberResponse(_tree.CountDescendants(node)));
                break;
            }
            case OpCode.GetEphemerals:
                GetEphemerals(conn, request.Xid, (GetEphemeralsRequest)request.Body!, zxid);
                break;
            case OpCode.MultiRead:
                MultiRead(conn, request.Xid, (MultiRequest)request.Body!, zxid);
                break;
            case OpCode.Auth:
                Authenticate(conn, request.Xid, (AuthPacket)request.Body!);
                break;
            case OpCode.WhoAmI:
                SendReply(conn, request.Xid, zxid, ErrorCode.Ok, new WhoAmIResponse(
                    conn.Ids.Select(id => new ClientInfo(id.Scheme, AuthProviders.UserName(id.Scheme, id.IdValue))).ToList()));
                break;
            case OpCode.SetWatches:
            {
                var s = (SetWatches)request.Body!;
                SetWatches(conn, s.RelativeZxid, s.DataWatches, s.ExistWatches, s.ChildWatches, null, null);
                SendReply(conn, request.Xid, zxid, ErrorCode.Ok);
                break;
            }
            case OpCode.SetWatches2:
            {
                var s = (SetWatches2)request.Body!;
                SetWatches(conn, s.RelativeZxid, s.DataWatches, s.ExistWatches, s.ChildWatches, s.PersistentWatches, s.PersistentRecursiveWatches);
                SendReply(conn, request.Xid, zxid, ErrorCode.Ok);
                break;
            }
            case OpCode.AddWatch:
                AddWatch(conn, request.Xid, (AddWatchRequest)request.Body!, zxid);
                break;
            case OpCode.CheckWatches:
            {
                var q = (CheckWatchesRequest)request.Body!;
                SendReply(conn, request.Xid, zxid, CheckOrRemoveWatch(conn, q.Path, q.Type, remove: false));
                break;
            }
            case OpCode.RemoveWatches:
            {
                var q = (RemoveWatchesRequest)request.Body!;
                SendReply(conn, request.Xid, zxid, CheckOrRemoveWatch(conn, q.Path, q.Type, remove: true));
                break;
            }
            case OpCode.Check:
                // ZOOKEEPER-2623 (3.9.3): check is only meaningful inside a multi.
                SendReply(conn, request.Xid, zxid, ErrorCode.Unimplemented);
                CloseConnection(conn);
                break;
            default:
                SendReply(conn, request.Xid, -1, ErrorCode.Unimplemented);
                CloseConnection(conn);
                break;
        }
    }

    private ZNode? FindReadable(CoreConnection conn, string? path, out ErrorCode code)
    {
        var node = path is null ? null : _tree.Find(path);
        if (node is null)
        {
            code = ErrorCode.NoNode;
            return null;
        }
        if (!AclChecker.Allows(_tree.GetAcl(node), Perms.Read, conn.Ids))
        {
            code = ErrorCode.NoAuth;
            return null;
        }
        code = ErrorCode.Ok;
        return node;
    }

    private void Exists(CoreConnection conn, int xid, ExistsRequest q, long zxid)
    {
        if (q.Path is null || q.Path.Contains('\0'))
        {
            SendReply(conn, xid, zxid, ErrorCode.BadArguments);
            return;
        }
        var node = _tree.Find(q.Path);
        if (node is not null && !AclChecker.Allows(_tree.GetAcl(node), Perms.Read, conn.Ids))
        {
            SendReply(conn, xid, zxid, ErrorCode.NoAuth);
            return;
        }
        // The exist watch is set even when the node is missing: it fires on NodeCreated.
        if (q.Watch) _watches.AddDataWatch(q.Path, conn);
        if (node is null) SendReply(conn, xid, zxid, ErrorCode.NoNode);
        else SendStatReply(conn, xid, zxid, _tree.GetStat(node));
    }

    private ErrorCode GetData(CoreConnection conn, string? path, out GetDataResponse? response)
    {
        var node = FindReadable(conn, path, out var code);
        response = node is null ? null : new GetDataResponse(node.DataCopy(), _tree.GetStat(node));
        return code;
    }

    private ErrorCode GetChildren(CoreConnection conn, string? path, out List<string>? children, out Stat stat)
    {
        var node = FindReadable(conn, path, out var code);
        children = node is null ? null : _tree.GetChildren(node);
        stat = node is null ? default : _tree.GetStat(node);
        return code;
    }

    private void GetAcl(CoreConnection conn, int xid, GetACLRequest q, long zxid)
    {
        var node = q.Path is null ? null : _tree.Find(q.Path);
        if (node is null)
        {
            SendReply(conn, xid, zxid, ErrorCode.NoNode);
            return;
        }
        var acl = _tree.GetAcl(node);
        if (!AclChecker.Allows(acl, Perms.Read | Perms.Admin, conn.Ids))
        {
            SendReply(conn, xid, zxid, ErrorCode.NoAuth);
            return;
        }
        var shown = AclChecker.Allows(acl, Perms.Admin, conn.Ids) ? acl : AclChecker.MaskDigests(acl);
        SendReply(conn, xid, zxid, ErrorCode.Ok, new GetACLResponse(shown, _tree.GetStat(node)));
    }

    private void GetEphemerals(CoreConnection conn, int xid, GetEphemeralsRequest q, long zxid)
    {
        string prefix = q.PrefixPath?.Trim() ?? "";
        var all = _tree.GetEphemerals(conn.SessionId);
        var list = (prefix is "" or "/" ? all : all.Where(p => p.StartsWith(q.PrefixPath!, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
        SendReply(conn, xid, zxid, ErrorCode.Ok, new GetEphemeralsResponse(list));
    }

    /// <summary>multiRead: each operation independent, no watches set.</summary>
    private void MultiRead(CoreConnection conn, int xid, MultiRequest m, long zxid)
    {
        var results = new List<OpResult>(m.Ops.Count);
        foreach (var op in m.Ops)
        {
            switch (op.Request)
            {
                case GetDataRequest g:
                {
                    var code = GetData(conn, g.Path, out var response);
                    results.Add(code == ErrorCode.Ok ? new GetDataResult(response!.Data, response.Stat) : new ErrorResult(code));
                    break;
                }
                case GetChildrenRequest g:
                {
                    var code = GetChildren(conn, g.Path, out var children, out _);
                    results.Add(code == ErrorCode.Ok ? new GetChildrenResult(children) : new ErrorResult(code));
                    break;
                }
            }
        }
        SendReply(conn, xid, zxid, ErrorCode.Ok, new MultiResponse(results));
    }

    /// <summary>
    /// AuthPacket (ZooKeeperServer.processPacket): digest, ip and (when enabled) x509 are the registered
    /// providers; any other scheme, or x509 without a client certificate, answers AUTHFAILED and the
    /// connection closes.
    /// </summary>
    private void Authenticate(CoreConnection conn, int xid, AuthPacket packet)
    {
        switch (packet.Scheme)
        {
            case AuthProviders.Digest when packet.Auth is not null:
                string digest = AuthProviders.DigestOf(Encoding.UTF8.GetString(packet.Auth));
                if (_options.SuperDigest is not null && digest == _options.SuperDigest) conn.AddAuth(new Id(AuthProviders.Super, ""));
                conn.AddAuth(new Id(AuthProviders.Digest, digest));
                SendReply(conn, xid, 0, ErrorCode.Ok);
                break;
            case AuthProviders.Ip:
                conn.AddAuth(conn.IpId);
                SendReply(conn, xid, 0, ErrorCode.Ok);
                break;
            case AuthProviders.X509 when _options.X509Enabled && conn.X509Subject is not null:
                AddX509Identities(conn);
                SendReply(conn, xid, 0, ErrorCode.Ok);
                break;
            default:
                SendReply(conn, xid, 0, ErrorCode.AuthFailed);
                CloseConnection(conn);
                break;
        }
    }
}
