using System.Net;
using System.Threading.Channels;
using Corral.Client.Watches;
using Corral.Protocol;
using Microsoft.Extensions.Logging;

namespace Corral.Client.Internal;

/// <summary>
/// The session engine behind a <see cref="CorralClient"/>: the request queue (ordered at call time),
/// the connect/reconnect loop over the configured servers, session identity (id, password, last
/// zxid), client-side expiry, the connection-state streams and the watch registry.
/// </summary>
internal sealed class ClientSession : IAsyncDisposable
{
    private readonly Channel<PendingRequest> _queue =
        Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly CorralClientOptions _options;
    private readonly ILogger _log;
    private readonly List<AuthPacket> _auth = [];
    private readonly List<Channel<ConnectionState>> _stateSubscribers = [];
    private readonly object _stateGate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DnsEndPoint[] _hosts;
    private readonly Task _loop;

    private int _xid;
    private long _lastZxid;
    private long _lastHeard;
    private long _sessionId;
    private byte[] _password = new byte[ConnectResponse.PasswordLength];
    private int _negotiatedTimeout;
    private int _hostIndex;
    private Connection? _connection;
    private ConnectionState _state = ConnectionState.Connecting;
    // Real-clock timestamp after which a client made by ConnectAsync stops trying for its first
    // session (0: no limit, a background client keeps trying as the Java client does).
    private readonly long _firstConnectDeadline;
    private Exception? _lastConnectError;

    /// <param name="firstConnectBudget">
    /// When set, the session gives up if no server has given it a session within this time:
    /// <see cref="FirstConnect"/> then fails with <see cref="ConnectionLossException"/> and the session is closed.
    /// </param>
    public ClientSession(CorralClientOptions options, ILogger log, TimeSpan? firstConnectBudget = null)
    {
        _options = options;
        _log = log;
        Paths = ConnectionString.Parse(options.ConnectionString);
        Time = options.TimeProvider;
        _hosts = [.. Paths.Hosts];
        if (options.ShuffleHosts) Random.Shared.Shuffle(_hosts);
        foreach (var (scheme, auth) in options.AuthInfo)
            _auth.Add(new AuthPacket(0, scheme, System.Text.Encoding.UTF8.GetBytes(auth)));
        if (options.SessionId != 0)
        {
            _sessionId = options.SessionId;
            _password = options.SessionPassword is { } pw ? (byte[])pw.Clone() : throw new ArgumentException("SessionPassword is required with SessionId", nameof(options));
        }
        _lastHeard = Time.GetTimestamp();
        if (firstConnectBudget is { } budget)
            _firstConnectDeadline = TimeProvider.System.GetTimestamp() + (long)(budget.TotalSeconds * TimeProvider.System.TimestampFrequency);
        _loop = Task.Run(SessionLoopAsync);
    }

    public ConnectionString Paths { get; }
    public TimeProvider Time { get; }
    public WatchManager Watches { get; } = new();
    public ConnectionState State { get { lock (_stateGate) return _state; } }
    public long SessionId => Interlocked.Read(ref _sessionId);
    public byte[] SessionPassword => (byte[])_password.Clone();
    public long LastZxid => Interlocked.Read(ref _lastZxid);
    public TimeSpan NegotiatedTimeout => TimeSpan.FromMilliseconds(Volatile.Read(ref _negotiatedTimeout));
    public EndPoint? CurrentServer => _connection?.Server;

    /// <summary>Completes on the first successful handshake; faults if the client ends before that.</summary>
    public Task FirstConnect => _firstConnect.Task;

    /// <summary>How long one connection attempt (TCP connect, TLS, ConnectRequest/ConnectResponse) may take.</summary>
    public static TimeSpan AttemptTimeout(CorralClientOptions options, int hosts) =>
        options.ConnectTimeout ?? TimeSpan.FromMilliseconds(Math.Max(options.SessionTimeout.TotalMilliseconds / hosts, 500));

    /// <summary>
    /// How long ConnectAsync tries for its first session: the session timeout (as for an established
    /// session, "no server for a whole session timeout" is the end), but never less than one attempt.
    /// </summary>
    public static TimeSpan FirstConnectBudget(CorralClientOptions options, int hosts)
    {
        var attempt = AttemptTimeout(options, hosts);
        return options.SessionTimeout > attempt ? options.SessionTimeout : attempt;
    }

    public int HostCount => _hosts.Length;

    /// <summary>What went wrong in the most recent failed connection attempt (null if none failed yet).</summary>
    public Exception? LastConnectError => Volatile.Read(ref _lastConnectError);

    /// <summary>The error ConnectAsync reports when no server gave a session in time.</summary>
    public ConnectionLossException FirstConnectFailed(TimeSpan budget)
    {
        var last = LastConnectError;
        var hosts = string.Join(",", _hosts.Select(h => $"{h.Host}:{h.Port}"));
        return new ConnectionLossException(null, last ?? new TimeoutException("no connection attempt completed"),
            $"no session from {hosts} within {budget.TotalMilliseconds:0} ms" + (last is null ? "" : $"; last attempt: {last.Message}"));
    }

    private TimeSpan FirstConnectRemaining() =>
        _firstConnectDeadline == 0 || _firstConnect.Task.IsCompleted
            ? Timeout.InfiniteTimeSpan
            : TimeSpan.FromSeconds((double)(_firstConnectDeadline - TimeProvider.System.GetTimestamp()) / TimeProvider.System.TimestampFrequency);

    /// <summary>True (and the session closed) once a ConnectAsync budget has run out without a session.</summary>
    private bool FirstConnectGaveUp()
    {
        var left = FirstConnectRemaining();
        // A timer may fire a hair before the deadline by this clock: a sliver left is no time for an attempt.
        if (left == Timeout.InfiniteTimeSpan || left > TimeSpan.FromMilliseconds(50)) return false;
        var error = FirstConnectFailed(FirstConnectBudget(_options, _hosts.Length));
        _log.LogWarning("{Message}", error.Message);
        _firstConnect.TrySetException(error);
        EndSession(ConnectionState.Closed);
        return true;
    }

    public int NextXid()
    {
        int xid = Interlocked.Increment(ref _xid);
        if (xid <= 0) { Interlocked.CompareExchange(ref _xid, 1, xid); xid = Interlocked.Increment(ref _xid); }
        return xid;
    }

    /// <summary>Called by the reader for every frame: the server is alive, and lastZxid only moves forward.</summary>
    public void OnHeard(long zxid)
    {
        Volatile.Write(ref _lastHeard, Time.GetTimestamp());
        if (zxid <= 0) return;
        long seen = Interlocked.Read(ref _lastZxid);
        while (zxid > seen)
        {
            long prior = Interlocked.CompareExchange(ref _lastZxid, zxid, seen);
            if (prior == seen) break;
            seen = prior;
        }
    }

    /// <summary>Queues a request; the queue order is the wire order. Fails it at once when the session is over.</summary>
    public void Enqueue(PendingRequest request)
    {
        if (!_queue.Writer.TryWrite(request)) request.Fail(TerminalError());
    }

    public void RememberAuth(AuthPacket packet)
    {
        lock (_auth) _auth.Add(packet);
    }

    /// <summary>A stream of state changes, subscribed now (so no change after this call is missed).</summary>
    public IAsyncEnumerable<ConnectionState> SubscribeStates(CancellationToken ct)
    {
        var channel = Channel.CreateUnbounded<ConnectionState>();
        lock (_stateGate)
        {
            if (IsTerminal(_state))
            {
                channel.Writer.TryWrite(_state);
                channel.Writer.TryComplete();
            }
            else _stateSubscribers.Add(channel);
        }
        if (ct.CanBeCanceled)
            ct.Register(() => { lock (_stateGate) _stateSubscribers.Remove(channel); channel.Writer.TryComplete(); });
        return channel.Reader.ReadAllAsync(ct);
    }

    private static bool IsTerminal(ConnectionState s) => s is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed;

    /// <summary>Moves to a new state and tells every subscriber; terminal states are final and reported once.</summary>
    private bool SetState(ConnectionState next)
    {
        lock (_stateGate)
        {
            if (IsTerminal(_state) || _state == next) return false;
            _state = next;
            foreach (var s in _stateSubscribers) s.Writer.TryWrite(next);
            if (IsTerminal(next))
            {
                foreach (var s in _stateSubscribers) s.Writer.TryComplete();
                _stateSubscribers.Clear();
            }
        }
        _log.LogInformation("connection state {State} (session 0x{Session:x})", next, SessionId);
        return true;
    }

    private Exception TerminalError() => State switch
    {
        ConnectionState.Expired => new SessionExpiredException(),
        ConnectionState.AuthFailed => new AuthFailedException(),
        _ => new ClientClosedException(),
    };

    private async Task SessionLoopAsync()
    {
        int rounds = 0;
        var ct = _shutdown.Token;
        while (!ct.IsCancellationRequested)
        {
            for (int tried = 0; tried < _hosts.Length && !ct.IsCancellationRequested; tried++)
            {
                if (ClientSideExpired())
                {
                    _log.LogWarning("no server answered for the whole session timeout; session 0x{Session:x} is expired", SessionId);
                    EndSession(ConnectionState.Expired);
                    return;
                }
                if (FirstConnectGaveUp()) return;
                var host = _hosts[_hostIndex];
                _hostIndex = (_hostIndex + 1) % _hosts.Length;
                var end = await TryServerAsync(host, ct).ConfigureAwait(false);
                if (end is null) continue;
                rounds = 0;
                if (end == ConnectionEnd.AuthFailed) { EndSession(ConnectionState.AuthFailed); return; }
                if (IsTerminal(State)) return;
                break; // after a loss, move straight on to the next server
            }
            if (IsTerminal(State) || ct.IsCancellationRequested) return;
            // A full round of servers failed: back off a little (bounded), then try again.
            rounds++;
            var pause = TimeSpan.FromMilliseconds(Math.Min(50 * rounds, 1000));
            var left = FirstConnectRemaining();
            if (left != Timeout.InfiniteTimeSpan && left < pause) pause = left > TimeSpan.Zero ? left : TimeSpan.Zero;
            try { await Task.Delay(pause, Time, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            if (FirstConnectGaveUp()) return;
        }
    }

    private bool ClientSideExpired() =>
        Volatile.Read(ref _negotiatedTimeout) > 0 && Time.GetElapsedTime(Volatile.Read(ref _lastHeard)) >= NegotiatedTimeout;

    /// <summary>One connection attempt and, if it succeeds, its whole life. Null when no session was established.</summary>
    private async Task<ConnectionEnd?> TryServerAsync(DnsEndPoint host, CancellationToken ct)
    {
        int requested = (int)_options.SessionTimeout.TotalMilliseconds;
        var connectTimeout = AttemptTimeout(_options, _hosts.Length);
        var budgetLeft = FirstConnectRemaining();
        if (budgetLeft != Timeout.InfiniteTimeSpan && budgetLeft < connectTimeout)
            connectTimeout = budgetLeft < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : budgetLeft;
        if (Volatile.Read(ref _negotiatedTimeout) > 0)
        {
            // Never wait for a handshake past the point where the session would be gone anyway.
            var left = NegotiatedTimeout - Time.GetElapsedTime(Volatile.Read(ref _lastHeard));
            if (left < connectTimeout) connectTimeout = left < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : left;
        }
        var request = new ConnectRequest(0, LastZxid, requested, SessionId, _password, ReadOnly: false);
        Connection connection;
        try
        {
            connection = await Connection.OpenAsync(host, request, connectTimeout, _log, ct, _options.Tls).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _log.LogDebug("connecting to {Host}:{Port} failed: {Message}", host.Host, host.Port, e.Message);
            Volatile.Write(ref _lastConnectError, e);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        var response = connection.Response;
        if (response.TimeOut <= 0)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (SessionId == 0)
            {
                _log.LogWarning("{Host}:{Port} refused to create a session", host.Host, host.Port);
                Volatile.Write(ref _lastConnectError, new IOException($"{host.Host}:{host.Port} refused to create a session"));
                return null;
            }
            _log.LogWarning("server {Host}:{Port} reports session 0x{Session:x} expired", host.Host, host.Port, SessionId);
            EndSession(ConnectionState.Expired);
            return ConnectionEnd.Stopped;
        }

        Interlocked.Exchange(ref _sessionId, response.SessionId);
        if (response.Passwd is { Length: > 0 } pw) _password = pw;
        Volatile.Write(ref _negotiatedTimeout, response.TimeOut);
        Volatile.Write(ref _lastHeard, Time.GetTimestamp());
        _connection = connection;
        ClientMetrics.Connects.Add(1);
        _log.LogInformation("connected to {Host}:{Port}, session 0x{Session:x}, timeout {Timeout} ms", host.Host, host.Port, response.SessionId, response.TimeOut);

        var first = new List<PendingRequest>();
        lock (_auth)
            foreach (var a in _auth) first.Add(new PendingRequest<bool>(OpCode.Auth, a, null, static (ref JuteReader _, ConnectionString _) => true));
        foreach (var batch in Watches.Snapshot(LastZxid))
            first.Add(new PendingRequest<bool>(OpCode.SetWatches2, batch, null, static (ref JuteReader _, ConnectionString _) => true));

        SetState(ConnectionState.Connected);
        _firstConnect.TrySetResult();
        ConnectionEnd end;
        try
        {
            end = await connection.RunAsync(this, first, _queue.Reader).ConfigureAwait(false);
        }
        finally
        {
            _connection = null;
            var lost = IsTerminal(State) ? TerminalError() : null;
            foreach (var p in connection.TakeUnanswered()) p.Fail(lost ?? new ConnectionLossException(p.Path));
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        if (!IsTerminal(State) && end != ConnectionEnd.AuthFailed)
        {
            ClientMetrics.ConnectionLosses.Add(1);
            SetState(ConnectionState.Disconnected);
        }
        return end;
    }

    /// <summary>Ends the session for good: every queued request, watch and stream learns why.</summary>
    private void EndSession(ConnectionState terminal)
    {
        if (!SetState(terminal)) return;
        _queue.Writer.TryComplete();
        _shutdown.Cancel();
        _connection?.Stop();
        var error = TerminalError();
        while (_queue.Reader.TryRead(out var p)) p.Fail(error);
        Watches.FailAll(terminal == ConnectionState.Closed ? null : error);
        _firstConnect.TrySetException(error);
    }

    /// <summary>Sends closeSession (when connected), waits for its reply up to <paramref name="wait"/>, then stops.</summary>
    public async Task CloseAsync(TimeSpan wait)
    {
        if (IsTerminal(State)) { await StopLoopAsync().ConfigureAwait(false); return; }
        if (State == ConnectionState.Connected)
        {
            var close = new PendingRequest<bool>(OpCode.CloseSession, null, null, static (ref JuteReader _, ConnectionString _) => true);
            Enqueue(close);
            try { await close.Task.WaitAsync(wait, Time).ConfigureAwait(false); }
            catch (Exception e) { _log.LogDebug("closeSession did not complete: {Message}", e.Message); }
        }
        EndSession(ConnectionState.Closed);
        await StopLoopAsync().ConfigureAwait(false);
    }

    private async Task StopLoopAsync()
    {
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    public ValueTask DisposeAsync() => new(CloseAsync(TimeSpan.FromSeconds(2)));

    /// <summary>Drops the current connection as if the network failed (tests and `corral shell` use it).</summary>
    public void DropConnection() => _connection?.Stop();
}
