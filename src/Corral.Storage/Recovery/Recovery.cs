using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using Corral.Storage.Snapshots;

namespace Corral.Storage.Recovery;

/// <summary>Outcome of <see cref="StartupRecovery.Run"/>.</summary>
/// <param name="SnapshotZxid">Zxid of the snapshot loaded, 0 when none was.</param>
/// <param name="SnapshotPath">The snapshot loaded, if any.</param>
/// <param name="LastZxid">The last zxid in the recovered state; the next transaction must follow it.</param>
/// <param name="ReplayedTxns">Log records handed to the replay callback.</param>
/// <param name="Warnings">Things repaired or skipped (torn tails cut, invalid snapshots skipped), for the server log.</param>
public sealed record RecoveryResult(long SnapshotZxid, string? SnapshotPath, long LastZxid, long ReplayedTxns,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Startup recovery: load the newest valid snapshot (older ones are tried when a newer one is
/// invalid), then replay every log record after it in zxid order with the rules of
/// <see cref="LogReplayer"/> (torn tail cut, mid-log corruption or gaps refuse to start).
/// </summary>
public static class StartupRecovery
{
    /// <param name="loadSnapshot">Receives the snapshot content and its zxid; not called when there is no snapshot (start empty).</param>
    /// <param name="replay">Receives each transaction after the snapshot; must be idempotent for
    /// transactions the (fuzzy) snapshot already reflects.</param>
    public static RecoveryResult Run(IStorageFileSystem fs, string dataDir, string dataLogDir,
        Action<Stream, long> loadSnapshot, TxnRecordHandler replay, int maxRecordBytes = 16 << 20)
    {
        fs.CreateDirectory(dataDir);
        fs.CreateDirectory(dataLogDir);
        var warnings = new List<string>();

        var snapshots = new SnapshotStore(fs, dataDir);
        snapshots.DeleteTemporaryFiles();
        var newest = snapshots.FindNewestValid(1, warnings).FirstOrDefault();
        long snapshotZxid = 0;
        if (newest is not null)
        {
            snapshots.Read(newest, content => loadSnapshot(content, newest.Zxid));
            snapshotZxid = newest.Zxid;
        }

        var log = LogReplayer.Replay(fs, dataLogDir, snapshotZxid, replay, maxRecordBytes);
        warnings.AddRange(log.Warnings);
        return new RecoveryResult(snapshotZxid, newest?.Path, log.LastZxid, log.ReplayedTxns, warnings);
    }
}
