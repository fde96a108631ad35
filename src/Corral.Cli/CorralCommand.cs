using System.CommandLine;

namespace Corral.Cli;

/// <summary>Builds the `corral` root command from its subcommands.</summary>
public static class CorralCommand
{
    /// <summary>Exit code for a command line that does not parse or validate (conventional "usage" code).</summary>
    public const int ExitUsage = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("Corral: a ZooKeeper-compatible coordination service");
        root.Add(ServerCommand.Create());
        root.Add(PurgeCommand.Create());
        root.Add(ShellCommand.Create());
        root.Add(BenchCommand.Create());
        root.Add(RecoveryBenchCommand.Create());
        return root;
    }

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Bad values exit with 2 (not System.CommandLine's default 1) so scripts can tell usage from failure.
            foreach (var error in parse.Errors) Console.Error.WriteLine(error.Message);
            return ExitUsage;
        }
        return await parse.InvokeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
