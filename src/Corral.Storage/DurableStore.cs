using Corral.Storage.FileSystem;
using Corral.Storage.Log;
using Corral.Storage.Recovery;
using Corral.Storage.Retention;
using Corral.Storage.Snapshots;

namespace Corral.Storage;

/// <summary>
/// Everything the server needs from storage, in call order:
/// <list type="number">
/// <item><see cref="Recover"/> once at startup: the snapshot content goes to one callback, each later
/// transaction to another; returns the last zxid.</item>
/// <item><see cref="Start"/>: begins logging; <c>onDurable(z)</c> fires on the flusher thread whenever
/// every transaction up to z is fsynced (post it to the server loop and acknowledge those writes then).</item>
/// <item><see cref="Append"/> per write, from one thread, in zxid order; it returns true when a
/// snapshot is due, and the caller then calls <see cref="TryStartSnapshot"/> with the zxid its
/// tree has applied and a callback that serialises the tree (fuzzily, while writes continue).</item>
/// <item><see cref="Dispose"/> at shutdown: drains, fsyncs, waits for a running snapshot.</item>
/// </list>
/// </summary>
public sealed class DurableStore : IDisposable
{
    private readonly StorageOptions _options;
    private readonly IStorageFileSystem _fs;
    private readonly TimeProvider _time;
    private readonly SnapshotStore _snapshots;
    private readonly SnapshotPolicy _policy;
    private GroupCommitter? _committer;
    private AutoPurge? _autoPurge;
    private Task<SnapshotInfo>? _snapshotTask;
    private long _recoveredZxid = -1;

    public DurableStore(StorageOptions options, IStorageFileSystem? fileSystem = null, TimeProvider? timeProvider = null, Random? random = null)
    {
        _options = options;
        _fs = fileSystem ?? PhysicalFileSystem.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _snapshots = new SnapshotStore(_fs, options.DataDir);
        _policy = new SnapshotPolicy(options.SnapCount, options.SnapSizeLimitBytes, random);
    }

    public StorageOptions Options => _options;
    public SnapshotStore Snapshots => _snapshots;

    /// <summary>The group committer, once <see cref="Start"/> ran (for statistics and <see cref="GroupCommitter.Flush"/>).</summary>
    public GroupCommitter Committer => _committer ?? throw new InvalidOperationException("Start() has not been called.");

    /// <summary>Loads the newest valid snapshot and replays the log after it. See <see cref="StartupRecovery"/>.</summary>
    public RecoveryResult Recover(Action<Stream, long> loadSnapshot, TxnRecordHandler replay)
    {
        var result = StartupRecovery.Run(_fs, _options.DataDir, _options.EffectiveDataLogDir, loadSnapshot, replay, _options.MaxRecordBytes);
        _recoveredZxid = result.LastZxid;
        return result;
    }

    /// <summary>Starts the log writer after <see cref="Recover"/>, and autopurge if configured.</summary>
    /// <param name="onDurable">Durable-up-to-zxid reports, on the flusher thread, increasing.</param>
    /// <param name="onFailure">The log failed (disk error): the server must stop serving writes.</param>
    /// <param name="onPurgeError">An autopurge run failed (logged by the server; the next run retries).</param>
    public void Start(Action<long> onDurable, Action<Exception> onFailure, Action<Exception>? onPurgeError = null)
    {
        if (_recoveredZxid < 0) throw new InvalidOperationException("Recover() must run before Start().");
        if (_committer is not null) throw new InvalidOperationException("Already started.");
        var log = new TxnLog(_fs, _options.EffectiveDataLogDir, _options.ToTxnLogOptions(), _recoveredZxid);
        _committer = new GroupCommitter(log, onDurable, onFailure);
        if (_options.PurgeInterval > TimeSpan.Zero)
            _autoPurge = new AutoPurge(Purge, _options.PurgeInterval, _time, onError: onPurgeError);
    }

    /// <summary>Queues a transaction for group commit; true when a snapshot is due (snapCount policy).</summary>
    public bool Append(long zxid, ReadOnlySpan<byte> payload)
    {
        Committer.Append(zxid, payload);
        // snapSizeLimitInKb measures the log written since the snapshot: whole records, framing included.
        return _policy.OnTransactionLogged(TxnLogFormat.RecordSize(payload.Length));
    }

    /// <summary>
    /// Rolls the log and writes a snapshot labelled <paramref name="appliedZxid"/> on a background
    /// task. <paramref name="writeContent"/> runs on that task while writes continue, so it must
    /// read the tree safely (fuzzy snapshot: replay from <paramref name="appliedZxid"/> + 1 is idempotent).
    /// Returns null, like ZooKeeper's "too busy to snap", when the previous snapshot is still being written.
    /// A failed snapshot faults the returned task (log it; writes continue and the next snapshot retries).
    /// </summary>
    public Task<SnapshotInfo>? TryStartSnapshot(long appliedZxid, Action<Stream> writeContent)
    {
        _policy.Reset();
        if (_snapshotTask is { IsCompleted: false }) return null;
        Committer.RollOver();
        _snapshotTask = Task.Run(() => _snapshots.Write(appliedZxid, writeContent));
        return _snapshotTask;
    }

    /// <summary>Writes a snapshot synchronously (at startup after a SNAP sync, or on demand).</summary>
    public SnapshotInfo TakeSnapshot(long appliedZxid, Action<Stream> writeContent)
    {
        _committer?.RollOver();
        return _snapshots.Write(appliedZxid, writeContent);
    }

    /// <summary>Applies the retention rule now (keep <see cref="StorageOptions.SnapRetainCount"/> snapshots and the logs they need).</summary>
    public PurgeResult Purge() =>
        Purger.Purge(_fs, _options.DataDir, _options.EffectiveDataLogDir, _options.SnapRetainCount);

    public void Dispose()
    {
        _autoPurge?.Dispose();
        try { _snapshotTask?.Wait(); }
        catch (AggregateException) { } // its failure was already observable through the returned task
        _committer?.Dispose();
    }
}
