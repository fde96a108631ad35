using System.CommandLine;
using Corral.Cli.Shell;
using Corral.Client;

namespace Corral.Cli;

/// <summary>
/// `corral shell`: an interactive ZooKeeper shell with zkCli's commands and output formats.
/// `-c "cmd"` runs commands and exits (repeatable); with stdin redirected, each line is a command.
/// The exit code is 0 when every command succeeded, 1 otherwise, and 2 when the TLS files cannot be loaded.
/// The --tls* flags connect to a secure client port (zkCli's zookeeper.client.secure / zookeeper.ssl.*).
/// </summary>
public static class ShellCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server", "-server", "-s")
        {
            Description = "Connection string: host:port[,host:port...][/chroot]",
            DefaultValueFactory = _ => "127.0.0.1:2181",
        };
        var timeout = new Option<int>("--timeout", "-timeout", "-t")
        {
            Description = "Session timeout in milliseconds",
            DefaultValueFactory = _ => 30000,
        };
        var commands = new Option<string[]>("--command", "-c")
        {
            Description = "Run this command and exit (may be given several times)",
            AllowMultipleArgumentsPerToken = false,
        };
        var tls = new Option<bool>("--tls") { Description = "Connect over TLS (to the servers' secureClientPort); implied by the other --tls-* flags" };
        var tlsCert = new Option<string>("--tls-cert") { Description = "Client certificate: PEM (with its key unless --tls-key is given) or PKCS#12 (.p12/.pfx)" };
        var tlsKey = new Option<string>("--tls-key") { Description = "Private key (PEM) of the --tls-cert certificate" };
        var tlsCa = new Option<string>("--tls-ca") { Description = "Certificates trusted to sign the server's (PEM or PKCS#12); default: the system roots" };
        var tlsPassword = new Option<string>("--tls-password")
        {
            Description = $"PKCS#12 password or PEM key encryption password (default: ${ShellTlsSettings.PasswordVariable})",
        };
        var skipHostName = new Option<bool>("--tls-insecure-skip-hostname")
        {
            Description = "Accept a server certificate that does not name the host connected to (zookeeper.ssl.hostnameVerification=false)",
        };
        var properties = new Option<string[]>("-D")
        {
            HelpName = "key=value",
            Description = "zkCli client property, e.g. -Dzookeeper.client.secure=true, -Dzookeeper.ssl.trustStore.location=ca.pem",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("shell", "Interactive ZooKeeper shell (zkCli's commands, plus tree)")
        {
            server, timeout, commands, tls, tlsCert, tlsKey, tlsCa, tlsPassword, skipHostName, properties,
        };
        command.SetAction(async (parse, ct) =>
        {
            bool secure = parse.GetValue(tls) || parse.GetValue(skipHostName)
                || parse.GetValue(tlsCert) is not null || parse.GetValue(tlsKey) is not null
                || parse.GetValue(tlsCa) is not null || parse.GetValue(tlsPassword) is not null;
            var flags = new ShellTlsSettings
            {
                CertificatePath = parse.GetValue(tlsCert),
                KeyPath = parse.GetValue(tlsKey),
                TrustedRootsPath = parse.GetValue(tlsCa),
                Password = parse.GetValue(tlsPassword) ?? Environment.GetEnvironmentVariable(ShellTlsSettings.PasswordVariable),
                VerifyHostName = !parse.GetValue(skipHostName),
            };
            ShellTlsSettings? settings;
            try
            {
                settings = ShellClientProperties.Apply(parse.GetValue(properties) ?? [], flags, secure);
            }
            catch (ShellException e)
            {
                Console.Error.WriteLine(e.Message);
                return CorralCommand.ExitUsage;
            }
            return await RunAsync(parse.GetValue(server)!, TimeSpan.FromMilliseconds(parse.GetValue(timeout)), parse.GetValue(commands) ?? [], ct, settings);
        });
        return command;
    }

    public static async Task<int> RunAsync(string server, TimeSpan timeout, IReadOnlyList<string> commands, CancellationToken ct,
        ShellTlsSettings? tlsSettings = null)
    {
        CorralClientTlsOptions? tls;
        try
        {
            tls = tlsSettings?.Load();
        }
        catch (ShellException e)
        {
            // Nothing to connect with: say which file is wrong and exit before trying.
            Console.Error.WriteLine(e.Message);
            return CorralCommand.ExitUsage;
        }
        await using var session = new ShellSession(server, timeout, Console.Out, Console.Error, tls);
        bool interactive = commands.Count == 0 && !Console.IsInputRedirected;
        if (interactive) Console.WriteLine($"Connecting to {server}");
        await session.ConnectAsync(server, ct);
        bool allOk = true;
        if (commands.Count > 0)
        {
            foreach (var c in commands)
            {
                var outcome = await session.ExecuteAsync(c, ct);
                allOk &= outcome.Ok;
                if (outcome.Quit) break;
            }
            return allOk ? 0 : 1;
        }
        ILineSource input = interactive
            ? new ConsoleLineEditor(session.History, ShellSession.Usage.Keys)
            : new TextLineSource(Console.In);
        while (!ct.IsCancellationRequested && input.ReadLine(session.Prompt) is { } line)
        {
            var outcome = await session.ExecuteAsync(line, ct);
            allOk &= outcome.Ok;
            if (outcome.Quit) break;
        }
        return allOk ? 0 : 1;
    }
}
