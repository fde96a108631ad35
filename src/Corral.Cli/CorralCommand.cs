using System.CommandLine;

namespace Corral.Cli;

/// <summary>Builds the `corral` root command from its subcommands.</summary>
public static class CorralCommand
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("Corral: a ZooKeeper-compatible coordination service");
        root.Subcommands.Add(ShellCommand.Create());
        return root.Parse(args).Invoke();
    }
}
