using System.CommandLine;
using Corral.Storage;
using Corral.Storage.Retention;

namespace Corral.Cli;

/// <summary>
/// `corral purge`: ZooKeeper's PurgeTxnLog / zkCleanup.sh. Keeps the newest N valid snapshots
/// (at least 3) and the log segments needed to replay from the oldest of them; deletes the rest.
/// </summary>
public static class PurgeCommand
{
    public static Command Create()
    {
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "dataDir: the snapshot directory", Required = true };
        var dataLogDir = new Option<DirectoryInfo?>("--data-log-dir") { Description = "dataLogDir: the transaction log directory (default: the data directory)" };
        var count = new Option<int>("--count", "-n")
        {
            Description = $"number of snapshots to keep (at least {Purger.MinRetainCount})",
            DefaultValueFactory = _ => Purger.MinRetainCount,
        };
        var command = new Command("purge", "Delete old snapshots and transaction logs, keeping the newest N snapshots and the logs they need");
        command.Add(dataDir);
        command.Add(dataLogDir);
        command.Add(count);
        command.SetAction(parse =>
        {
            if (parse.GetValue(count) < Purger.MinRetainCount)
            {
                Console.Error.WriteLine($"corral purge: --count must be at least {Purger.MinRetainCount}.");
                return 1;
            }
            try
            {
                var result = Purger.Purge(parse.GetValue(dataDir)!.FullName, parse.GetValue(dataLogDir)?.FullName, parse.GetValue(count));
                foreach (var path in result.DeletedSnapshots.Concat(result.DeletedLogSegments)) Console.WriteLine($"deleted {path}");
                Console.WriteLine($"kept {result.RetainedSnapshots.Count} snapshot(s)" +
                    (result.RetainedSnapshots.Count > 0 ? $", oldest at zxid 0x{Zxid.ToHex(result.RetainedSnapshots[^1].Zxid)}" : "; nothing purged without a valid snapshot"));
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"corral purge: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
