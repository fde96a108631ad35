namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// One server's disk. Epoch files and snapshots are written atomically and durably (temp file, fsync,
/// rename). Log appends sit in the page cache until an fsync: a crash keeps the synced entries, a random
/// prefix of the unsynced ones, and may tear the next record, which recovery detects by checksum and drops.
/// </summary>
public sealed class SimDisk
{
    private readonly List<LogEntry> _log = [];
    private int _synced;

    public SimDisk(byte[] emptySnapshot) => SnapshotData = new SnapshotData(0, emptySnapshot);

    public long AcceptedEpoch { get; set; }
    public long CurrentEpoch { get; set; }
    public SnapshotData SnapshotData { get; private set; }
    public IReadOnlyList<LogEntry> Log => _log;
    public int SyncedCount => _synced;
    public int TornRecordsDropped { get; private set; }
    public int UnsyncedEntriesLost { get; private set; }

    /// <summary>Replaces the snapshot and starts an empty log after it, atomically.</summary>
    public void InstallSnapshot(SnapshotData snapshot)
    {
        SnapshotData = snapshot;
        _log.Clear();
        _synced = 0;
    }

    /// <summary>ftruncate + fsync of the log.</summary>
    public void TruncateAfter(long zxid)
    {
        _log.RemoveAll(e => e.Zxid > zxid);
        _synced = _log.Count;
    }

    public void Append(LogEntry entry) => _log.Add(entry);

    public void Fsync() => _synced = _log.Count;

    /// <summary>A snapshot of applied state was written; log entries it covers are purged.</summary>
    public void Compact(SnapshotData snapshot)
    {
        SnapshotData = snapshot;
        var covered = _log.Count(e => e.Zxid <= snapshot.Zxid);
        _log.RemoveRange(0, covered);
        _synced = Math.Max(0, _synced - covered);
    }

    /// <summary>Power loss: unsynced data may be lost, and the last partial write is torn.</summary>
    public void Crash(SimRandom rng)
    {
        var unsynced = _log.Count - _synced;
        if (unsynced == 0) return;
        var survive = rng.Next(unsynced + 1);
        if (survive < unsynced && rng.Chance(0.5)) TornRecordsDropped++; // the next record was half written; its checksum fails at recovery
        UnsyncedEntriesLost += unsynced - survive;
        _log.RemoveRange(_synced + survive, unsynced - survive);
        _synced = _log.Count;
    }

    public PersistentState Load() => new(AcceptedEpoch, CurrentEpoch, SnapshotData.Zxid, _log.ToList());
}
