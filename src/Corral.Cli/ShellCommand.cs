using System.CommandLine;
using Corral.Cli.Shell;

namespace Corral.Cli;

/// <summary>
/// `corral shell`: an interactive ZooKeeper shell with zkCli's commands and output formats.
/// `-c "cmd"` runs commands and exits (repeatable); with stdin redirected, each line is a command.
/// The exit code is 0 when every command succeeded, 1 otherwise.
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
        var command = new Command("shell", "Interactive ZooKeeper shell (zkCli's commands, plus tree)") { server, timeout, commands };
        command.SetAction(async (parse, ct) =>
            await RunAsync(parse.GetValue(server)!, TimeSpan.FromMilliseconds(parse.GetValue(timeout)), parse.GetValue(commands) ?? [], ct));
        return command;
    }

    public static async Task<int> RunAsync(string server, TimeSpan timeout, IReadOnlyList<string> commands, CancellationToken ct)
    {
        await using var session = new ShellSession(server, timeout, Console.Out, Console.Error);
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
