using Corral.Core.Server;
using Corral.Core.Tree;
using Corral.Protocol;
using Corral.Server.Hosting;
using Corral.Server.Processing;
using Corral.Storage;
using Corral.Storage.FileSystem;
using Corral.Storage.Recovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Corral.Server.Storage;

/// <summary>
/// The production core: Corral.Core's <see cref="ServerCore"/> over a <see cref="DurableStore"/>.
/// <list type="bullet">
/// <item><see cref="Open"/> recovers the state (newest valid snapshot, then the log after it; a torn
/// tail is cut, mid-log damage throws <see cref="StorageCorruptionException"/> naming the file).</item>
/// <item>As the core's <see cref="ITxnCommitter"/> it appends every prepared transaction to the log
/// (group commit) and lets the core apply and acknowledge it only when the flusher reports it
/// fsynced (<see cref="ServerCore.OnCommitted"/>, posted back onto the loop).</item>
/// <item>Every snapCount transactions (randomised) it starts a fuzzy snapshot: slices of the tree
/// are serialised on the loop between requests (<see cref="SnapshotPump"/>) and written off it.</item>
/// <item>While the log holds more unsynced bytes than <see cref="StorageOptions.MaxUnsyncedLogBytes"/>
/// it reports <see cref="DiskBehind"/> and the loop takes no new requests (<see cref="IDiskBackpressure"/>).</item>
/// <item>A failed write or fsync is fatal (fail-stop): nothing after it is acknowledged and the
/// server is told to stop, as ZooKeeper exits when its log cannot be written.</item>
/// </list>
/// </summary>
public sealed class DurableCore : ILoopBoundCore, ITxnCommitter, IDiskBackpressure
{
    private readonly ServerCore _core;
    private readonly ServerCoreAdapter _adapter;
    private readonly DurableStore _store;
    private CoreLoop? _loop;
    private ILogger _log = NullLogger.Instance;
    private bool _disposed;
    private Action? _resumeWhenCaughtUp;

    private DurableCore(CoreOptions coreOptions, StorageOptions storage, TimeProvider time, IStorageFileSystem? fileSystem)
    {
        _store = new DurableStore(storage, fileSystem, time);
        _core = new ServerCore(coreOptions, time, this);
        _adapter = new ServerCoreAdapter(_core);
    }

    /// <summary>Recovers the data directory into a new core. Throws <see cref="StorageCorruptionException"/> when it must not start.</summary>
    public static DurableCore Open(CoreOptions coreOptions, StorageOptions storage, TimeProvider time, IStorageFileSystem? fileSystem = null)
    {
        var durable = new DurableCore(coreOptions, storage, time, fileSystem);
        try
        {
            durable.Recover();
            return durable;
        }
        catch
        {
            durable._store.Dispose();
            throw;
        }
    }

    public ServerCore Core => _core;

    /// <summary>The live core, for the diagnostic four-letter words and admin commands (read on the loop).</summary>
    public ServerCore? Inspect => _core;

    public DurableStore Store => _store;

    /// <summary>What startup recovery found (logged when the server starts).</summary>
    public RecoveryResult Recovery { get; private set; } = null!;

    /// <summary>Snapshots started by the snapCount policy (the last one, for tests and diagnostics).</summary>
    public Task? LastSnapshot { get; private set; }

    /// <summary>Nodes serialised per slice of a fuzzy snapshot; tests lower it to interleave more writes.</summary>
    public int SnapshotNodesPerSlice { get; set; } = SnapshotPump.DefaultNodesPerSlice;

    /// <summary>How long startup recovery took in all, and the part of it spent loading the snapshot into the tree.</summary>
    public (TimeSpan Total, TimeSpan SnapshotLoad) RecoveryTime { get; private set; }

    private void Recover()
    {
        var total = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan snapshotLoad = default;
        Recovery = _store.Recover(
            (content, _) =>
            {
                var load = System.Diagnostics.Stopwatch.StartNew();
                _core.LoadSnapshot(content);
                snapshotLoad = load.Elapsed;
            },
            (zxid, payload) =>
            {
                try
                {
                    _core.ApplyCommitted(zxid, payload);
                }
                catch (Exception e) when (e is JuteException or InvalidDataException or ArgumentException)
                {
                    // The record's checksum was right, so this is not disk damage: refuse rather than guess.
                    throw new StorageCorruptionException(_store.Options.EffectiveDataLogDir,
                        $"transaction 0x{zxid:x} in the log cannot be applied ({e.Message})");
                }
            });
        // The log may end before the snapshot's label (purged or empty log): continue after both.
        if (_core.LastPreparedZxid < Recovery.LastZxid) _core.AdvanceZxid(Recovery.LastZxid);
        RecoveryTime = (total.Elapsed, snapshotLoad);
    }

    public void Start(CoreLoop loop, ILoggerFactory loggers, Action<Exception> failStop)
    {
        _log = loggers.CreateLogger<DurableCore>();
        _log.LogInformation(
            "Recovered {Nodes} znodes and {Sessions} sessions up to zxid 0x{Zxid:x}: snapshot {Snapshot} + {Replayed} log records in {Seconds:F2} s, {LoadSeconds:F2} s of it loading the snapshot (dataDir={DataDir}, dataLogDir={LogDir})",
            _core.Tree.NodeCount, _core.Tree.Sessions.Count, Recovery.LastZxid, Recovery.SnapshotPath ?? "(none)",
            Recovery.ReplayedTxns, RecoveryTime.Total.TotalSeconds, RecoveryTime.SnapshotLoad.TotalSeconds, _store.Options.DataDir, _store.Options.EffectiveDataLogDir);
        foreach (var warning in Recovery.Warnings) _log.LogWarning("Recovery: {Warning}", warning);
        if (!_store.Options.ForceSync)
            _log.LogWarning("forceSync=no: UNSAFE. Writes are acknowledged before they reach the disk; a power failure or OS crash loses them.");

        _store.Start(
            onDurable: zxid => loop.Post(() =>
            {
                _core.OnCommitted(zxid);
                ResumeIfCaughtUp();
            }),
            onFailure: e =>
            {
                _log.LogCritical(e, "Writing the transaction log failed; no further write will be acknowledged");
                failStop(e);
            },
            onPurgeError: e => _log.LogError(e, "Autopurge failed; the next run retries"));
        _loop = loop;
    }

    /// <summary>The commit step: log the transaction; the core applies it once it is durable.</summary>
    bool ITxnCommitter.Propose(long zxid, ReadOnlySpan<byte> txn)
    {
        if (_loop is null) throw new InvalidOperationException("The durable core has not been started.");
        if (_store.Append(zxid, txn)) StartSnapshot(_loop);
        return false;
    }

    /// <summary>Write throttling: the log holds more unsynced bytes than <see cref="StorageOptions.MaxUnsyncedLogBytes"/>.</summary>
    public bool DiskBehind => _loop is not null && _store.Committer.UnsyncedBytes > _store.Options.MaxUnsyncedLogBytes;

    public void ResumeWhenDiskCaughtUp(Action resume) => _resumeWhenCaughtUp = resume;

    /// <summary>On the loop after each fsync report: every fsync shrinks the backlog, so the waiter is always heard.</summary>
    private void ResumeIfCaughtUp()
    {
        if (_resumeWhenCaughtUp is not { } resume || DiskBehind) return;
        _resumeWhenCaughtUp = null;
        resume();
    }

    private void StartSnapshot(CoreLoop loop)
    {
        var writer = new FuzzySnapshotWriter(_core.Tree);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        int perSlice = SnapshotNodesPerSlice;
        var task = _store.TryStartSnapshot(writer.StartZxid, content => SnapshotPump.Write(content, loop.Post, writer, perSlice));
        if (task is null)
        {
            _log.LogWarning("Too busy to snapshot: the previous snapshot is still being written");
            return;
        }
        LastSnapshot = task;
        task.ContinueWith(t =>
        {
            if (t.IsFaulted && t.Exception!.GetBaseException() is OperationCanceledException)
                _log.LogInformation("Snapshot at zxid 0x{Zxid:x} abandoned: the server is stopping", writer.StartZxid);
            else if (t.IsFaulted) _log.LogError(t.Exception!.GetBaseException(), "Snapshot at zxid 0x{Zxid:x} failed; writes go on and the next snapshot retries", writer.StartZxid);
            else
            {
                var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                StorageMetrics.SnapshotDuration.Record(took.TotalSeconds);
                _log.LogInformation("Snapshot {Path} written ({Nodes} znodes, {Bytes} bytes) in {Seconds:F2} s",
                    t.Result.Path, writer.NodesWritten, t.Result.ContentLength, took.TotalSeconds);
            }
        }, TaskScheduler.Default);
    }

    public IHostedCoreConnection Open(IConnectionSink sink, string remoteAddress) => _adapter.Open(sink, remoteAddress);

    public IHostedCoreConnection Open(IConnectionSink sink, string remoteAddress, string? x509Subject) =>
        _adapter.Open(sink, remoteAddress, x509Subject);

    public void Tick()
    {
        // Session expiry writes transactions, which need the log: nothing before Start.
        if (_loop is not null) _adapter.Tick();
    }

    public CoreStatistics GetStatistics() => _adapter.GetStatistics();

    /// <summary>After the loop stopped: drains and fsyncs the log, waits for a running snapshot.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _store.Dispose();
    }
}
