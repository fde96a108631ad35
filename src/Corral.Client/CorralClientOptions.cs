using Corral.Client.Robustness;
using Microsoft.Extensions.Logging;

namespace Corral.Client;

/// <summary>Settings of a <see cref="CorralClient"/>; bindable from configuration (see AddCorralClient).</summary>
public sealed class CorralClientOptions
{
    /// <summary>"host1:port,host2:port/chroot". Required when binding from configuration.</summary>
    public string ConnectionString { get; set; } = "127.0.0.1:2181";

    /// <summary>The session timeout asked for; the server clamps it to [2, 20] ticks.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one connection attempt (TCP connect plus handshake) may take. Default: the session
    /// timeout divided by the number of hosts, as the Java client does.
    /// </summary>
    public TimeSpan? ConnectTimeout { get; set; }

    /// <summary>How idempotent operations (reads) are retried after ConnectionLoss or OperationTimeout.</summary>
    public IRetryPolicy RetryPolicy { get; set; } = new ExponentialBackoffRetry(TimeSpan.FromMilliseconds(100), maxRetries: 3);

    /// <summary>Credentials sent on connect and re-sent after every reconnect, e.g. ("digest", "user:pw").</summary>
    public IList<(string Scheme, string Auth)> AuthInfo { get; set; } = [];

    /// <summary>Where the client logs; null means no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock used for pings, timeouts and client-side expiry (tests may substitute one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Re-attach to an existing session (with <see cref="SessionPassword"/>), e.g. one handed over
    /// from another process; 0 (the default) creates a new session. If the session no longer
    /// exists, connecting fails with <see cref="SessionExpiredException"/>.
    /// </summary>
    public long SessionId { get; set; }

    /// <summary>The password of the session named by <see cref="SessionId"/>.</summary>
    public byte[]? SessionPassword { get; set; }

    /// <summary>
    /// Connect over TLS (to the servers' secureClientPort) with these settings; null (the default)
    /// uses plain TCP. See docs/security.md.
    /// </summary>
    public CorralClientTlsOptions? Tls { get; set; }

    /// <summary>Whether hosts are tried in random order (ZooKeeper's behaviour); false keeps the given order.</summary>
    public bool ShuffleHosts { get; set; } = true;
}
