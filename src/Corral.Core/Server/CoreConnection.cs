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
    private readonly List<Id> _authInsertionOrder = [];

    internal CoreConnection(ServerCore core, IConnectionSink sink, string remoteAddress, long connectionId, string? x509Subject)
    {
        _core = core;
        Sink = sink;
        ConnectionId = connectionId;
        RemoteAddress = NormalizeAddress(remoteAddress);
        X509Subject = x509Subject;
        // Like NIOServerCnxn/NettyServerCnxn: the ip identity exists from the start.
        IpId = new Id(AuthProviders.Ip, IPAddress.TryParse(RemoteAddress, out var ip) ? AuthProviders.JavaHostAddress(ip) : RemoteAddress);
        Ids = [];
        AddAuth(IpId);
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

    /// <summary>The subject (RFC 2253) of the client certificate presented over TLS, if any.</summary>
    public string? X509Subject { get; }

    internal Id IpId { get; }

    /// <summary>
    /// The identities used for ACL checks, whoAmI and "auth" ACL expansion, in the order ZooKeeper's
    /// hash set iterates them (see <see cref="JavaIdSetOrder"/>): ip:address, plus any added by
    /// addauth (digest, super) or by the TLS client certificate (x509, super).
    /// </summary>
    public IReadOnlyList<Id> Ids { get; private set; }

    /// <summary>Adds an identity unless already present (a set, as in ZooKeeper).</summary>
    internal void AddAuth(Id id)
    {
        if (_authInsertionOrder.Contains(id)) return;
        _authInsertionOrder.Add(id);
        Ids = JavaIdSetOrder.Order(_authInsertionOrder);
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
