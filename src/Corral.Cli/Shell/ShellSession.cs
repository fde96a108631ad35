using Corral.Client;
using Corral.Client.Robustness;
using Corral.Protocol;

namespace Corral.Cli.Shell;

/// <summary>
/// The state behind `corral shell`: one client connection, command history, and the writers that
/// command output, errors and asynchronously arriving watch events go to (serialised by a lock so
/// an event never splits a command's output line).
/// </summary>
public sealed partial class ShellSession : IAsyncDisposable
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly object _writeGate = new();
    private readonly List<string> _history = [];
    private readonly List<PersistentWatchHandle> _persistent = [];
    private CorralClient? _client;
    private volatile bool _printWatches = true;
    private string _server;
    private TimeSpan _timeout;
    private readonly CorralClientTlsOptions? _tls;

    /// <param name="tls">TLS settings for every connection this session makes (including `connect`); null: plain TCP.</param>
    public ShellSession(string server, TimeSpan sessionTimeout, TextWriter output, TextWriter error, CorralClientTlsOptions? tls = null)
    {
        _server = server;
        _timeout = sessionTimeout;
        _tls = tls;
        _out = output;
        _err = error;
    }

    public IReadOnlyList<string> History => _history;
    public string Server => _server;
    public ConnectionState State => _client?.State ?? ConnectionState.Closed;

    /// <summary>zkCli's prompt: "[zk: host:port(CONNECTED) 3] ".</summary>
    public string Prompt
    {
        get
        {
            string state = State switch
            {
                ConnectionState.Connected => "CONNECTED",
                ConnectionState.Connecting => "CONNECTING",
                ConnectionState.Disconnected => "CONNECTING",
                ConnectionState.Expired => "EXPIRED",
                ConnectionState.AuthFailed => "AUTH_FAILED",
                _ => "CLOSED",
            };
            return $"[zk: {_server}({state}) {_history.Count}] ";
        }
    }

    public void WriteLine(string text)
    {
        lock (_writeGate) _out.WriteLine(text);
    }

    public void WriteError(string text)
    {
        lock (_writeGate) _err.WriteLine(text);
    }

    /// <summary>Prints a watch event the way zkCli's default watcher does.</summary>
    private void PrintEvent(WatchedEvent e)
    {
        if (!_printWatches) return;
        lock (_writeGate)
        {
            _out.WriteLine();
            _out.WriteLine("WATCHER::");
            _out.WriteLine();
            _out.WriteLine($"WatchedEvent state:{e.State} type:{e.Type} path:{e.Path ?? "null"}");
            _out.Flush();
        }
    }

    public async Task ConnectAsync(string server, CancellationToken ct = default)
    {
        await CloseClientAsync().ConfigureAwait(false);
        _server = server;
        var options = new CorralClientOptions
        {
            ConnectionString = server,
            SessionTimeout = _timeout,
            RetryPolicy = new RetryNTimes(3, TimeSpan.FromMilliseconds(200)),
            Tls = _tls,
        };
        var client = new CorralClient(options);
        _client = client;
        _ = ReportStatesAsync(client);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(_timeout);
        try
        {
            await client.WaitForConnectionAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Like zkCli, stay in the shell: commands will wait for (or report) the connection.
            WriteError($"Could not connect to {server} within {_timeout.TotalSeconds:0} s; still trying in the background");
        }
    }

    private async Task ReportStatesAsync(CorralClient client)
    {
        bool first = true;
        await foreach (var state in client.WatchConnectionStateAsync().ConfigureAwait(false))
        {
            if (!ReferenceEquals(client, _client)) return;
            // The first Connected is what the user asked for; only later changes are news.
            if (first && state == ConnectionState.Connected) { first = false; continue; }
            first = false;
            var keeper = state switch
            {
                ConnectionState.Connected => KeeperState.SyncConnected,
                ConnectionState.Disconnected => KeeperState.Disconnected,
                ConnectionState.Expired => KeeperState.Expired,
                ConnectionState.AuthFailed => KeeperState.AuthFailed,
                ConnectionState.Closed => KeeperState.Closed,
                _ => KeeperState.Unknown,
            };
            if (state != ConnectionState.Closed) PrintEvent(new WatchedEvent(EventType.None, keeper, null));
        }
    }

    private CorralClient Client => _client is { State: not ConnectionState.Closed } c
        ? c
        : throw new ShellException("Not connected (use: connect host:port)");

    private async Task CloseClientAsync()
    {
        var client = _client;
        _client = null;
        foreach (var w in _persistent) w.Cancel();
        _persistent.Clear();
        if (client is not null) await client.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await CloseClientAsync().ConfigureAwait(false);

    private sealed record PersistentWatchHandle(PersistentWatch Watch, CancellationTokenSource Stop)
    {
        public void Cancel() => Stop.Cancel();
    }
}

/// <summary>A user error in a shell command: printed as is, no stack trace.</summary>
public sealed class ShellException(string message) : Exception(message);
