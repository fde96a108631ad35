using Corral.Storage.Log;

namespace Corral.Storage;

/// <summary>Storage settings, named after their zoo.cfg counterparts.</summary>
public sealed record StorageOptions
{
    /// <summary>dataDir: snapshots (and the log, unless <see cref="DataLogDir"/> is set).</summary>
    public required string DataDir { get; init; }

    /// <summary>dataLogDir: a separate directory (ideally a separate disk) for the transaction log.</summary>
    public string? DataLogDir { get; init; }

    public string EffectiveDataLogDir => DataLogDir ?? DataDir;

    /// <summary>forceSync. false is UNSAFE (acknowledged writes can be lost on power failure); tests only.</summary>
    public bool ForceSync { get; init; } = true;

    /// <summary>preAllocSize in bytes (ZooKeeper: 64 MiB).</summary>
    public long PreallocationBytes { get; init; } = 64L << 20;

    /// <summary>Roll to a new log segment after this many bytes even without a snapshot.</summary>
    public long SegmentRollBytes { get; init; } = 64L << 20;

    /// <summary>Largest transaction payload accepted (must exceed jute.maxbuffer plus transaction framing).</summary>
    public int MaxRecordBytes { get; init; } = 16 << 20;

    /// <summary>
    /// Write throttling (Corral; ZooKeeper has no such key): while more log bytes than this wait for
    /// their fsync (<see cref="Log.GroupCommitter.UnsyncedBytes"/>), the server takes no new
    /// requests, so a slow disk cannot make memory grow without bound. Default 32 MiB.
    /// </summary>
    public long MaxUnsyncedLogBytes { get; init; } = 32L << 20;

    /// <summary>snapCount (ZooKeeper default 100000).</summary>
    public long SnapCount { get; init; } = 100_000;

    /// <summary>snapSizeLimitInKb in bytes (ZooKeeper default 4 GiB); 0 disables.</summary>
    public long SnapSizeLimitBytes { get; init; } = 4L << 30;

    /// <summary>autopurge.snapRetainCount (default and minimum 3).</summary>
    public int SnapRetainCount { get; init; } = 3;

    /// <summary>autopurge.purgeInterval (ZooKeeper: hours; zero disables, the default).</summary>
    public TimeSpan PurgeInterval { get; init; } = TimeSpan.Zero;

    public TxnLogOptions ToTxnLogOptions() => new()
    {
        ForceSync = ForceSync,
        PreallocationBytes = PreallocationBytes,
        SegmentRollBytes = SegmentRollBytes,
        MaxRecordBytes = MaxRecordBytes,
    };
}
