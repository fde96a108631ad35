// Entry point of the `corral` command; subcommands are added as their issues land.
return Corral.Cli.CorralCommand.Run(args);
