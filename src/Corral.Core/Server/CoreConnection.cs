using System.Net;
using Corral.Core.Acls;
using Corral.Core.Watches;
using Corral.Protocol;

namespace Corral.Core.Server;

/// <summary>
/// One client connection as the core sees it. The host feeds it whole frame payloads (length prefix
/// stripped) with <see cref="Receive"/>, the first being the ConnectRequest, and reports the socket's
/// end with <see cref="Disconnected"/>. Everything the client must see goes to the
/// <see cref="IConnectionSink"/>, in order. Call only from the core's loop.
/// </summary>
public sealed class CoreConnection : IWatcher
{
    private readonly ServerCore _core;
    private readonly List<Id> _authIds = [];
    private readonly Id _ipId;

    internal CoreConnection(ServerCore core, IConnectionSink sink, string remoteAddress, long connectionId)
    {
        _core = core;
        Sink = sink;
        ConnectionId = connectionId;
        RemoteAddress = NormalizeAddress(remoteAddress);
        _ipId = new Id(AuthProviders.Ip, RemoteAddress);
        Ids = [_ipId];
    }

    internal IConnectionSink Sink { get; }
    internal readonly Queue<PendingRequest> Queue = new();

    /// <summary>A process-unique number for this connection (for cons/stat output).</summary>
    public long ConnectionId { get; }

    /// <summary>The client's IP address (the port, if the host passed one, is dropped).</summary>
    public string RemoteAddress { get; }

    /// <summary>The session bound to this connection; 0 before the handshake completes.</summary>
    public long SessionId { get; internal set; }

    /// <summary>The negotiated session timeout in ms; 0 before the handshake completes.</summary>
    public int SessionTimeoutMs { get; internal set; }

    public bool IsHandshakeStarted { get; internal set; }
    public bool IsClosed { get; internal set; }
    public long PacketsReceived { get; internal set; }
    public long PacketsSent { get; internal set; }
    public long LastZxid { get; internal set; }
    public OpCode LastOp { get; internal set; }

    /// <summary>Requests received but not yet answered.</summary>
    public int OutstandingRequests => Queue.Count;

    /// <summary>The identities used for ACL checks: authenticated ones (in order added), then ip:address.</summary>
    public IReadOnlyList<Id> Ids { get; private set; }

    internal void AddAuth(Id id)
    {
        if (!_authIds.Contains(id)) _authIds.Add(id);
        Ids = [.. _authIds, _ipId];
    }

    public void Receive(ReadOnlySpan<byte> payload) => _core.Receive(this, payload);

    public void Disconnected() => _core.Disconnected(this);

    bool IWatcher.CanRead(IReadOnlyList<Acl> acl) => AclChecker.Allows(acl, Perms.Read, Ids);

    void IWatcher.Notify(EventType type, string path, long zxid) => _core.SendNotification(this, type, path, zxid);

    private static string NormalizeAddress(string remote)
    {
        if (IPEndPoint.TryParse(remote, out var ep))
        {
            var addr = ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address;
            return addr.ToString();
        }
        return remote;
    }

    public override string ToString() => $"{RemoteAddress} session 0x{SessionId:x}";
}
