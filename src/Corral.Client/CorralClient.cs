using Corral.Client.Internal;
using Corral.Client.Robustness;
using Corral.Client.Watches;
using Corral.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Corral.Client;

/// <summary>
/// An asynchronous ZooKeeper client. Operations are queued (and so ordered) when they are called,
/// not when they are awaited; many may be outstanding on one connection and they complete in call
/// order. A watch event is always delivered before the reply that reflects its change. The client
/// reconnects on its own, keeping its session, watches and credentials, until the session expires
/// or <see cref="DisposeAsync"/> closes it.
/// </summary>
public sealed partial class CorralClient : IAsyncDisposable
{
    private readonly ClientSession _session;
    private readonly CorralClientOptions _options;
    private readonly ILogger _log;

    /// <summary>Creates a client that starts connecting in the background; calls made before it connects wait in the queue.</summary>
    public CorralClient(CorralClientOptions options) : this(options, firstConnectBudget: null) { }

    private CorralClient(CorralClientOptions options, TimeSpan? firstConnectBudget)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _log = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<CorralClient>();
        _session = new ClientSession(options, _log, firstConnectBudget);
    }

    /// <summary>
    /// Connects to one of the servers in <paramref name="connectionString"/> and returns once a session exists.
    /// Each attempt is bounded by <see cref="CorralClientOptions.ConnectTimeout"/>; if no server gives a
    /// session within max(SessionTimeout, ConnectTimeout) it throws <see cref="ConnectionLossException"/>
    /// whose inner exception is the last attempt's failure. Cancelling <paramref name="ct"/> throws
    /// <see cref="OperationCanceledException"/>. Either way the half-made client is disposed.
    /// </summary>
    public static Task<CorralClient> ConnectAsync(string connectionString, CorralClientOptions? options = null, CancellationToken ct = default)
    {
        options ??= new CorralClientOptions();
        options.ConnectionString = connectionString;
        return ConnectAsync(options, ct);
    }

    /// <inheritdoc cref="ConnectAsync(string, CorralClientOptions?, CancellationToken)"/>
    public static async Task<CorralClient> ConnectAsync(CorralClientOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        int hosts = Corral.Client.ConnectionString.Parse(options.ConnectionString).Hosts.Count;
        var budget = ClientSession.FirstConnectBudget(options, hosts);
        var client = new CorralClient(options, budget);
        try
        {
            try
            {
                // The session loop gives up on its own at the budget; this wait is the backstop
                // should an attempt ever ignore its deadline.
                await client._session.FirstConnect.WaitAsync(budget + TimeSpan.FromSeconds(5), TimeProvider.System, ct).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!client._session.FirstConnect.IsCompleted)
            {
                throw client._session.FirstConnectFailed(budget);
            }
            return client;
        }
        catch
        {
            // Bounded: the caller gets the connect error even if closing the half-made client stalls.
            try { await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
            catch (TimeoutException) { }
            throw;
        }
    }

    /// <summary>Completes once the first session has been established.</summary>
    public Task WaitForConnectionAsync(CancellationToken ct = default) => _session.FirstConnect.WaitAsync(ct);

    public ConnectionState State => _session.State;
    public long SessionId => _session.SessionId;
    public byte[] SessionPassword => _session.SessionPassword;
    public TimeSpan SessionTimeout => _session.NegotiatedTimeout;
    /// <summary>The highest zxid this client has seen; a reconnect never goes to a server behind it.</summary>
    public long LastZxid => _session.LastZxid;
    /// <summary>"host:port" of the server the client is connected to now, or null while disconnected.</summary>
    public string? CurrentServer => _session.CurrentServer switch
    {
        System.Net.DnsEndPoint d => $"{d.Host}:{d.Port}",
        { } other => other.ToString(),
        null => null,
    };
    public ConnectionString ConnectionString => _session.Paths;

    /// <summary>
    /// Connection-state changes from now on (Connected, Disconnected, then Expired, AuthFailed or
    /// Closed, each terminal state reported once and ending the stream).
    /// </summary>
    public IAsyncEnumerable<ConnectionState> WatchConnectionStateAsync(CancellationToken ct = default) => _session.SubscribeStates(ct);

    /// <summary>Closes the session (ephemerals are deleted) and releases the connection.</summary>
    public ValueTask DisposeAsync() => _session.DisposeAsync();

    /// <summary>Closes the session, waiting up to <paramref name="wait"/> for the server to confirm.</summary>
    public Task CloseAsync(TimeSpan? wait = null) => _session.CloseAsync(wait ?? TimeSpan.FromSeconds(2));

    /// <summary>Drops the TCP connection without closing the session, as a network failure would.</summary>
    public void SimulateConnectionLoss() => _session.DropConnection();

    // ---- plumbing shared by every operation ----

    private string ServerPath(string path, bool sequential = false)
    {
        if (PathUtils.Validate(path, sequential) is { } reason) throw new ArgumentException(reason, nameof(path));
        return _session.Paths.ToServerPath(path);
    }

    private Task<T> Send<T>(OpCode op, IJuteRecord? body, string? path, ReplyParser<T> parser, CancellationToken ct,
        WatchRegistration? watch = null, bool noNodeIsNull = false)
    {
        var p = new PendingRequest<T>(op, body, path, parser, noNodeIsNull) { Watch = watch };
        p.RegisterCancellation(ct);
        _session.Enqueue(p);
        return p.Task;
    }

    /// <summary>Reads are idempotent: they go through the retry policy.</summary>
    private Task<T> Idempotent<T>(Func<Task<T>> operation, CancellationToken ct) =>
        Retry.RunAsync(_options.RetryPolicy, _session.Time, operation, ct);

    private static TaskCompletionSource<WatchedEvent> NewWatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ClientSession Session => _session;
}
