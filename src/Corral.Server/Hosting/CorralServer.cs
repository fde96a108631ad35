using System.Net;
using Corral.Server.Admin;
using Corral.Server.Commands;
using Corral.Server.Configuration;
using Corral.Server.Metrics;
using Corral.Server.Network;
using Corral.Server.Processing;
using Corral.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Corral.Server.Hosting;

/// <summary>
/// A running standalone Corral server: Kestrel listening on the client port with
/// <see cref="ZooKeeperConnectionHandler"/>, and one <see cref="CoreLoop"/> that owns the core.
/// Start with <see cref="StartAsync"/>, stop with <see cref="StopAsync"/> (or dispose).
/// </summary>
public sealed class CorralServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CoreLoop _loop;
    private readonly ConnectionRegistry _registry;
    private readonly ILogger _log;
    private readonly TaskCompletionSource _stoppedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopped;

    private readonly IDisposable _metrics;

    private CorralServer(WebApplication app, CoreLoop loop, ConnectionRegistry registry, IPEndPoint endpoint, IPEndPoint? admin,
        IDisposable metrics, ILogger log, Task<Exception> fatal)
    {
        _app = app;
        _loop = loop;
        _registry = registry;
        ClientEndPoint = endpoint;
        AdminEndPoint = admin;
        _metrics = metrics;
        _log = log;
        _ = FailStopOnAsync(fatal);
    }

    /// <summary>Completes when the server has stopped, by <see cref="StopAsync"/> or by a fail-stop.</summary>
    public Task Stopped => _stoppedSignal.Task;

    /// <summary>Why the server stopped itself (a disk failure in the transaction log), or null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The admin HTTP server's address and port, or null when admin.enableServer=false.</summary>
    public IPEndPoint? AdminEndPoint { get; }

    /// <summary>How long a stop waits for open connections to flush before aborting them.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(3);

    /// <summary>The address and port actually bound (the real port when clientPort was 0).</summary>
    public IPEndPoint ClientEndPoint { get; }

    /// <summary>The secure (TLS) client port actually bound; null when secureClientPort is not configured.</summary>
    public IPEndPoint? SecureClientEndPoint { get; private init; }

    /// <summary>"127.0.0.1:port", the connect string for a client.</summary>
    public string ConnectString => $"{ClientEndPoint.Address}:{ClientEndPoint.Port}";

    /// <summary>The live connections (diagnostics and tests).</summary>
    public ConnectionRegistry Connections => _registry;

    /// <summary>globalOutstandingLimit's server-wide count of requests queued for the loop (diagnostics and tests).</summary>
    public GlobalRequestLimit OutstandingLimit => _app.Services.GetRequiredService<GlobalRequestLimit>();

    /// <summary>Loop access for diagnostics and tests (queries run on the processing loop).</summary>
    public CoreLoop Loop => _loop;

    /// <summary>
    /// Validates <paramref name="options"/>, creates the core with <paramref name="coreFactory"/> and starts listening.
    /// Throws <see cref="ConfigurationException"/> for bad options and IOException when the port cannot be bound.
    /// </summary>
    public static async Task<CorralServer> StartAsync(
        CorralServerOptions options,
        Func<CorralServerOptions, TimeProvider, IHostedCore> coreFactory,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        var time = timeProvider ?? TimeProvider.System;
        var log = loggerFactory.CreateLogger<CorralServer>();
        var address = ListenAddress(options.ClientPortAddress);

        var whitelist = FourLetterWordPolicy.EffectiveWhitelist(options.FourLetterWordWhitelist);
        foreach (var word in options.FourLetterWordWhitelist.Where(w => w != "*" && !FourLetterWordPolicy.Implemented.Contains(w)))
            log.LogWarning("4lw.commands.whitelist names {Word}, which Corral does not implement; it will be refused", word);
        foreach (var (key, value) in options.UnrecognizedKeys)
            log.LogWarning("Ignoring unrecognized configuration key {Key}={Value}", key, CorralServerOptions.LoggableValue(key, value));

        var tls = options.SecureClientPort is null ? null : TlsSettings.Load(options);
        var core = coreFactory(options, time);
        if (core.Inspect is { } inspected) inspected.Quotas.Warning = new QuotaWarningLog(loggerFactory.CreateLogger("Corral.Quotas"), time).Report;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(options.TickTime / 2, 10, 100));
        var loop = new CoreLoop(core, tick, time, loggerFactory.CreateLogger<CoreLoop>());
        var fatal = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (core is ILoopBoundCore loopBound)
        {
            try
            {
                await loop.InvokeAsync(() =>
                {
                    loopBound.Start(loop, loggerFactory, e => fatal.TrySetResult(e));
                    return true;
                }).ConfigureAwait(false);
            }
            catch
            {
                await loop.DisposeAsync().ConfigureAwait(false);
                loopBound.Dispose();
                throw;
            }
        }
        var registry = new ConnectionRegistry(options.MaxClientCnxns);
        var view = new ServerView(loop, registry, options, time);
        var metrics = new CorralMetrics();
        var exporter = new PrometheusExporter(metrics.Meter);
        var limiter = new CostlyCommandLimiter(options.CostlyCommandsPerSecond, time);
        var settings = new ServerRuntimeSettings(
            options.MaxClientCnxns,
            options.MaxUnsentBytesPerConnection,
            MaxQueuedInputBytesPerConnection: options.MaxUnsentBytesPerConnection,
            MaxQueuedRequestsPerConnection: options.GlobalOutstandingLimit);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedHostLifetime>();
        // Kestrel waits this long for connections to close on stop, then aborts them: a client that
        // never reads must not hold up a shutdown (the default is 30 seconds).
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(h => h.ShutdownTimeout = ShutdownGrace);
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(loop);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new FourLetterWordResponder(view, whitelist, limiter, metrics));
        builder.Services.AddSingleton(new GlobalRequestLimit(options.GlobalOutstandingLimit));
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(new AuditLog(loggerFactory.CreateLogger(AuditLog.Category), options.AuditEnable));
        builder.Services.AddSingleton<ZooKeeperConnectionHandler>();
        builder.WebHost.UseKestrelCore();
        if (tls is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        ListenOptions? clientListen = null, adminListen = null, secureListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.ClientPort, listen =>
            {
                clientListen = listen;
                listen.UseConnectionHandler<ZooKeeperConnectionHandler>();
            });
            if (tls is not null) secureListen = ListenSecure(kestrel, options, address, tls);
            if (options.AdminEnableServer)
            {
                kestrel.Listen(ListenAddress(options.AdminServerAddress), options.AdminServerPort, listen => adminListen = listen);
            }
        });
        var app = builder.Build();
        if (options.AdminEnableServer)
        {
            var endpoint = new AdminEndpoint(view, metrics, exporter,
                new AdminAuthorizer(options.AdminAuthToken, options.AdminTrustedAddresses), limiter,
                loggerFactory.CreateLogger<AdminEndpoint>());
            // The client port runs a connection handler, not HTTP, so only admin requests reach this.
            app.Run(endpoint.HandleAsync);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await loop.DisposeAsync().ConfigureAwait(false);
            (core as IDisposable)?.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            exporter.Dispose();
            metrics.Dispose();
            throw;
        }

        // Kestrel rewrites each ListenOptions' endpoint with the port it actually bound, which stays
        // right however many listeners (TLS, admin) there are.
        var bound = clientListen?.IPEndPoint is { Port: > 0 } c ? c : BoundEndPoint(app, address, options.ClientPort);
        view.ClientPort = bound.Port;
        var secure = secureListen?.IPEndPoint;
        if (secure is not null) view.SecureClientPort = secure.Port;
        var admin = adminListen?.IPEndPoint;
        log.LogInformation("Corral {Version} serving clients on {EndPoint} (tickTime={TickTime}, dataDir={DataDir})",
            ServerVersion.Full, bound, options.TickTime, Path.GetFullPath(options.DataDir));
        if (secure is not null)
            log.LogInformation("Serving TLS clients on {EndPoint} (ssl.clientAuth={ClientAuth})", secure, tls!.ClientAuth);
        if (admin is not null) log.LogInformation("Admin server listening on {EndPoint}: {Url}, /metrics, /health", admin, options.AdminCommandUrl);
        return new CorralServer(app, loop, registry, bound, admin, new Disposables(exporter, metrics), log, fatal.Task)
        {
            SecureClientEndPoint = secure,
        };
    }

    /// <summary>The secure client port: TLS (server certificate, optional client certificate) around the same protocol handler.</summary>
    private static ListenOptions ListenSecure(KestrelServerOptions kestrel, CorralServerOptions options, IPAddress plainAddress, TlsSettings tls)
    {
        var address = options.SecureClientPortAddress is null ? plainAddress : ListenAddress(options.SecureClientPortAddress);
        ListenOptions? secure = null;
        kestrel.Listen(address, options.SecureClientPort!.Value, listen =>
        {
            secure = listen;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = tls.ServerCertificate,
                ClientCertificateMode = tls.ClientAuth switch
                {
                    ClientAuthMode.Need => ClientCertificateMode.RequireCertificate,
                    ClientAuthMode.Want => ClientCertificateMode.AllowCertificate,
                    _ => ClientCertificateMode.NoCertificate,
                },
                ClientCertificateValidation = tls.ValidateClientCertificate,
                SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                HandshakeTimeout = TimeSpan.FromSeconds(10),
            });
            listen.UseConnectionHandler<ZooKeeperConnectionHandler>();
        });
        return secure!;
    }

    /// <summary>A configured listen address: an IP literal, or "localhost" for the loopback address (validated with the options).</summary>
    private static IPAddress ListenAddress(string configured) =>
        configured == "localhost" ? IPAddress.Loopback : IPAddress.Parse(configured);

    private static IPEndPoint BoundEndPoint(WebApplication app, IPAddress address, int configuredPort)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        foreach (var a in addresses ?? [])
        {
            if (Uri.TryCreate(a, UriKind.Absolute, out var uri) && uri.Port > 0)
                return new IPEndPoint(address, uri.Port);
        }
        return new IPEndPoint(address, configuredPort);
    }

    /// <summary>
    /// Graceful stop: refuse new connections, close the open ones (each flushes what is queued and
    /// tells the core), stop Kestrel, then drain and end the processing loop.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _log.LogInformation("Shutting down; closing {Count} connections", _registry.Count);
        foreach (var connection in _registry.BeginShutdown()) connection.StopReading?.Invoke();
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        await _loop.DisposeAsync().ConfigureAwait(false);
        try
        {
            (_loop.Core as IDisposable)?.Dispose(); // the durable core drains and fsyncs its log here
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _metrics.Dispose();
            _log.LogInformation("Corral stopped");
            _stoppedSignal.TrySetResult();
        }
    }

    /// <summary>
    /// Fail-stop: when the core reports that it can no longer persist writes (a failed log write or
    /// fsync), the server stops at once; the writes waiting for that fsync are never acknowledged.
    /// </summary>
    private async Task FailStopOnAsync(Task<Exception> fatal)
    {
        var failure = await fatal.ConfigureAwait(false);
        Failure = failure;
        _log.LogCritical(failure, "Storage failed; stopping the server (fail-stop)");
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Error while stopping after the storage failure");
            _stoppedSignal.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}
