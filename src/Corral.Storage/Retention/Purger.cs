using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using Corral.Storage.Snapshots;

namespace Corral.Storage.Retention;

/// <summary>What a purge removed.</summary>
public sealed record PurgeResult(IReadOnlyList<string> DeletedSnapshots, IReadOnlyList<string> DeletedLogSegments,
    IReadOnlyList<SnapshotInfo> RetainedSnapshots);

/// <summary>
/// Retention, as ZooKeeper's PurgeTxnLog: keep the newest <c>retainCount</c> valid snapshots and
/// the log segments needed to replay from the oldest of them (the last segment starting at or
/// before that snapshot's zxid + 1, and every later one); delete older snapshots and older
/// segments. Safe to run while the server runs. Invalid snapshots newer than the oldest kept one are
/// left alone (recovery skips them; an operator may want to look at them).
/// </summary>
public static class Purger
{
    /// <summary>ZooKeeper refuses to keep fewer than 3 snapshots (PurgeTxnLog and autopurge.snapRetainCount).</summary>
    public const int MinRetainCount = 3;

    public static PurgeResult Purge(string dataDir, string? dataLogDir, int retainCount) =>
        Purge(PhysicalFileSystem.Instance, dataDir, dataLogDir ?? dataDir, retainCount);

    public static PurgeResult Purge(IStorageFileSystem fs, string dataDir, string dataLogDir, int retainCount)
    {
        if (retainCount < MinRetainCount)
            throw new ArgumentOutOfRangeException(nameof(retainCount), retainCount, $"At least {MinRetainCount} snapshots must be retained.");
        if (!fs.DirectoryExists(dataDir)) throw new DirectoryNotFoundException($"Data directory '{dataDir}' does not exist.");
        if (!fs.DirectoryExists(dataLogDir)) throw new DirectoryNotFoundException($"Data log directory '{dataLogDir}' does not exist.");

        // Temporary snapshot files are left alone: purge runs beside a live server (autopurge,
        // `corral purge`), and a .tmp may be a snapshot being written right now. Startup recovery removes stale ones.
        var store = new SnapshotStore(fs, dataDir);
        var retained = store.FindNewestValid(retainCount);
        if (retained.Count == 0)
            return new PurgeResult([], [], []); // nothing to anchor retention on: keep every log

        long oldestKept = retained[^1].Zxid;
        var deletedSnaps = new List<string>();
        foreach (var (zxid, path) in store.List())
            if (zxid < oldestKept)
            {
                fs.Delete(path);
                deletedSnaps.Add(path);
            }

        var segments = TxnLogFormat.ListSegments(fs, dataLogDir);
        int firstNeeded = 0;
        for (int i = 0; i < segments.Count; i++)
            if (segments[i].FirstZxid <= oldestKept + 1) firstNeeded = i;
        var deletedLogs = new List<string>();
        for (int i = 0; i < firstNeeded; i++)
        {
            fs.Delete(segments[i].Path);
            deletedLogs.Add(segments[i].Path);
        }

        if (deletedSnaps.Count > 0) fs.SyncDirectory(dataDir);
        bool logDirAlreadySynced = dataLogDir == dataDir && deletedSnaps.Count > 0;
        if (deletedLogs.Count > 0 && !logDirAlreadySynced) fs.SyncDirectory(dataLogDir);
        return new PurgeResult(deletedSnaps, deletedLogs, retained);
    }
}
