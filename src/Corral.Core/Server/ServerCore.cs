using Corral.Core.Processing;
using Corral.Core.Sessions;
using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Core.Watches;
using Corral.Protocol;

namespace Corral.Core.Server;

/// <summary>
/// The socket-free ZooKeeper server: connections, sessions, watches and the write pipeline
/// (prepare -> commit -> apply -> notify -> reply) over one <see cref="DataTree"/>. Single-threaded
/// and deterministic: the host calls every method from one loop, time comes from the TimeProvider,
/// bytes leave only through each connection's <see cref="IConnectionSink"/>.
/// </summary>
/// <remarks>
/// Files: ServerCore.Connect.cs (handshake), .Dispatch.cs (decode and route a frame), .Writes.cs
/// (the write pipeline), .Reads.cs (requests answered from the tree), .WatchOps.cs (setWatches,
/// addWatch, check/removeWatches), .Maintenance.cs (expiry, reaper, snapshots, stats).
/// </remarks>
public sealed partial class ServerCore
{
    private readonly CoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ITxnCommitter _committer;
    private readonly DataTree _tree = new();
    private readonly PendingChanges _pending;
    private readonly RequestPreparer _preparer;
    private readonly WatchManager _watches = new();
    private readonly SessionTracker _sessions;
    private readonly FrameWriter _frame = new();
    private readonly HashSet<CoreConnection> _connections = [];
    private readonly Dictionary<long, CoreConnection> _bySession = [];
    private long _nextConnectionId;

    public ServerCore(CoreOptions options, TimeProvider time, ITxnCommitter? committer = null)
    {
        _options = options;
        _time = time;
        _committer = committer ?? InMemoryCommitter.Instance;
        _pending = new PendingChanges(_tree);
        _preparer = new RequestPreparer(_pending, options);
        _sessions = new SessionTracker(options.ServerId, options.TickTimeMs, NowMs);
        _nextReapAtMs = NowMs + options.ContainerCheckIntervalMs;
    }

    public CoreOptions Options => _options;

    /// <summary>The replicated state. Read it from the core's loop only; change it only through the pipeline.</summary>
    public DataTree Tree => _tree;

    public WatchManager Watches => _watches;

    public SessionTracker Sessions => _sessions;

    public IReadOnlyCollection<CoreConnection> Connections => _connections;

    /// <summary>The zxid of the last transaction applied to the tree.</summary>
    public long LastProcessedZxid => _tree.LastProcessedZxid;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Accepts a new client connection. remoteAddress is the client's IP (a port suffix is tolerated).</summary>
    public CoreConnection Open(IConnectionSink sink, string remoteAddress) => Open(sink, remoteAddress, null);

    /// <summary>
    /// Accepts a new client connection; <paramref name="x509Subject"/> is the RFC 2253 subject of the
    /// client certificate a TLS connection presented (null for none or plain TCP). With
    /// <see cref="CoreOptions.X509Enabled"/> it becomes the identity x509:subject, plus super:subject
    /// when it equals <see cref="CoreOptions.X509SuperUser"/> (X509AuthenticationProvider's handshake step).
    /// </summary>
    public CoreConnection Open(IConnectionSink sink, string remoteAddress, string? x509Subject)
    {
        var conn = new CoreConnection(this, sink, remoteAddress, ++_nextConnectionId, x509Subject);
        AddX509Identities(conn);
        _connections.Add(conn);
        return conn;
    }

    private void AddX509Identities(CoreConnection conn)
    {
        if (!_options.X509Enabled || conn.X509Subject is null) return;
        if (conn.X509Subject == _options.X509SuperUser) conn.AddAuth(new Protocol.Id(Acls.AuthProviders.Super, conn.X509Subject));
        conn.AddAuth(new Protocol.Id(Acls.AuthProviders.X509, conn.X509Subject));
    }

    /// <summary>The socket ended (either side). Watches go; the session lives on until it expires.</summary>
    internal void Disconnected(CoreConnection conn) => CloseConnection(conn);

    /// <summary>Closes a connection from the server side: flushes what was sent, forgets its watches and requests.</summary>
    private void CloseConnection(CoreConnection conn)
    {
        if (conn.IsClosed) return;
        conn.IsClosed = true;
        _watches.RemoveWatcher(conn);
        _connections.Remove(conn);
        _syncWaiters.Remove(conn);
        if (conn.SessionId != 0 && _bySession.TryGetValue(conn.SessionId, out var bound) && bound == conn)
            _bySession.Remove(conn.SessionId);
        conn.Queue.Clear();
        conn.Sink.Close();
    }
}
