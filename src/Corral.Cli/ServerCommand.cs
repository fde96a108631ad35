using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Corral.Cli;

/// <summary>
/// <c>corral server</c>: runs a standalone server until Ctrl+C or SIGTERM. Settings come from
/// defaults, then <c>--config zoo.cfg</c>, then the explicit options (which win). Bad values exit
/// with code 2 and a message naming the option or key.
/// </summary>
public static class ServerCommand
{
    public const int ExitUsage = 2;
    public const int ExitFailure = 1;

    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "zoo.cfg to load (key=value lines, as Apache ZooKeeper reads them)" };
        var port = new Option<int?>("--port") { Description = "Client port (overrides clientPort; default 2181; 0 picks a free port)" };
        var address = new Option<string?>("--address") { Description = "Address to listen on (overrides clientPortAddress; default 127.0.0.1)" };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Data directory (overrides dataDir; default ./{CorralServerOptions.DefaultDataDir})" };
        var dataLogDir = new Option<string?>("--data-log-dir") { Description = "Transaction log directory (overrides dataLogDir; default: the data directory)" };
        var tickTime = new Option<int?>("--tick-time") { Description = "Tick time in ms (overrides tickTime; default 2000)" };
        var set = new Option<string[]>("--set")
        {
            Description = "Sets any zoo.cfg key, e.g. --set admin.serverPort=9090 (repeatable; applied after --config and the options above)",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var logLevel = new Option<LogLevel?>("--log-level")
        {
            Description = "Minimum log level: Trace, Debug, Information (default), Warning, Error, Critical or None",
        };

        port.Validators.Add(r =>
        {
            if (Value<int?>(r) is { } p && p is < 0 or > 65535) r.AddError($"--port {p}: must be between 0 and 65535");
        });
        tickTime.Validators.Add(r =>
        {
            if (Value<int?>(r) is { } t && t <= 0) r.AddError($"--tick-time {t}: must be a positive number of milliseconds");
        });
        address.Validators.Add(r =>
        {
            if (Value<string?>(r) is { } a && a != "localhost" && !IPAddress.TryParse(a, out _))
                r.AddError($"--address {a}: not an IP address");
        });
        dataDir.Validators.Add(r =>
        {
            if (Value<string?>(r) is { } d && string.IsNullOrWhiteSpace(d)) r.AddError("--data-dir: must not be empty");
        });
        dataLogDir.Validators.Add(r =>
        {
            if (Value<string?>(r) is { } d && string.IsNullOrWhiteSpace(d)) r.AddError("--data-log-dir: must not be empty");
        });
        config.Validators.Add(r =>
        {
            if (Value<FileInfo?>(r) is { } f && !f.Exists) r.AddError($"--config {f.FullName}: file does not exist");
        });

        var command = new Command("server", "Run a standalone Corral server (Ctrl+C or SIGTERM stops it gracefully)")
        {
            config, port, address, dataDir, dataLogDir, tickTime, set, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            CorralServerOptions options;
            try
            {
                options = BuildOptions(parse.GetValue(config), parse.GetValue(port), parse.GetValue(address),
                    parse.GetValue(dataDir), parse.GetValue(tickTime), parse.GetValue(set), parse.GetValue(dataLogDir));
            }
            catch (ConfigurationException e)
            {
                Console.Error.WriteLine($"corral server: {e.Message}");
                return ExitUsage;
            }
            return await RunAsync(options, parse.GetValue(logLevel) ?? LogLevel.Information, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The option's value, or default when it did not parse (the parse error is already reported).</summary>
    private static T? Value<T>(OptionResult result)
    {
        try
        {
            return result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>Defaults, then the config file, then the command-line overrides, then --set; validated as a whole.</summary>
    public static CorralServerOptions BuildOptions(FileInfo? config, int? port, string? address, string? dataDir, int? tickTime,
        IEnumerable<string>? sets = null, string? dataLogDir = null)
    {
        // As ZooKeeper's server: the admin server runs unless admin.enableServer=false says otherwise.
        var options = config is null ? new CorralServerOptions { AdminEnableServer = true } : ZooCfgParser.Load(config.FullName);
        if (port is { } p) options.ClientPort = p;
        if (address is not null) options.ClientPortAddress = address;
        if (dataDir is not null) options.DataDir = dataDir;
        if (dataLogDir is not null) options.DataLogDir = dataLogDir;
        if (tickTime is { } t) options.TickTime = t;
        foreach (string assignment in sets ?? [])
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0) throw new ConfigurationException($"--set {assignment}: expected key=value");
            string key = assignment[..eq].Trim();
            try
            {
                ZooCfgParser.Apply(options, key, assignment[(eq + 1)..].Trim());
            }
            catch (ConfigurationException e)
            {
                throw new ConfigurationException($"--set {e.Message}");
            }
            // A file may carry keys for other tools; a key typed on the command line is almost surely a typo.
            if (options.UnrecognizedKeys.ContainsKey(key))
                throw new ConfigurationException($"--set {assignment}: unknown key {key}");
        }
        options.Validate();
        return options;
    }

    private static async Task<int> RunAsync(CorralServerOptions options, LogLevel logLevel, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(b => b
            .AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff "; })
            .SetMinimumLevel(logLevel)
            // Kestrel's own banner says "http://"; Corral logs its listening address itself.
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            // A failed start is reported once, below, without the generic host's stack trace.
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None));
        var log = loggerFactory.CreateLogger("Corral.Cli.Server");
        CorralServer server;
        try
        {
            Directory.CreateDirectory(options.DataDir);
            Directory.CreateDirectory(options.EffectiveDataLogDir);
            server = await CorralServer.StartAsync(options, Corral.Server.Hosting.CoreFactory.Create, loggerFactory, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException or ConfigurationException)
        {
            log.LogError("Could not start: {Message}", e.Message);
            return e is ConfigurationException ? ExitUsage : ExitFailure;
        }

        // Ctrl+C or SIGTERM (System.CommandLine cancels the token) stops gracefully; a storage
        // failure stops the server by itself (fail-stop) and the process then exits 1.
        await Task.WhenAny(Task.Delay(Timeout.Infinite, cancellationToken), server.Stopped).ConfigureAwait(false);
        await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (server.Failure is { } failure)
        {
            log.LogCritical("Stopped because storage failed: {Message}", failure.Message);
            return ExitFailure;
        }
        return 0;
    }
}
