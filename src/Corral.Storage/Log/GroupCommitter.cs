namespace Corral.Storage.Log;

/// <summary>
/// Group commit in front of a <see cref="TxnLog"/>. The server's loop calls <see cref="Append"/>
/// (cheap: encode into the pending batch); one background flusher thread repeatedly takes
/// everything pending, writes it with one write call, fsyncs once, and then reports
/// "durable up to zxid Z" through the callback given to the constructor. While one fsync runs,
/// new appends pile up and share the next one, so the fsync rate adapts to the disk, never one
/// fsync per request. A write may be acknowledged to its client only after the callback has
/// reported a zxid at or above it.
/// With <see cref="TxnLogOptions.ForceSync"/> = false nothing is fsynced and "durable" only means
/// "handed to the OS": UNSAFE, for tests only.
/// If writing or syncing fails, the committer stops, reports the exception once through
/// <c>onFailure</c>, and every later <see cref="Append"/> throws: the server must shut down,
/// as ZooKeeper does, because it can no longer promise durability.
/// </summary>
public sealed class GroupCommitter : IDisposable
{
    private readonly object _gate = new();
    private readonly TxnLog _log;
    private readonly Action<long> _onDurable;
    private readonly Action<Exception>? _onFailure;
    private readonly Thread _flusher;
    private RecordBatch _pending = new();
    private long _lastAppended;
    private long _durable;
    private bool _nextStartsSegment;
    private bool _stopping;
    private Exception? _failure;
    private bool _failureReported;
    private long _batches, _txns;
    private int _inFlightBytes;

    /// <param name="onDurable">Called on the flusher thread, in increasing zxid order, after each batch is durable.</param>
    /// <param name="onFailure">Called once if the disk fails; the committer is dead afterwards.</param>
    public GroupCommitter(TxnLog log, Action<long> onDurable, Action<Exception>? onFailure = null)
    {
        _log = log;
        _onDurable = onDurable;
        _onFailure = onFailure;
        _lastAppended = _durable = log.LastZxid;
        _flusher = new Thread(FlushLoop) { IsBackground = true, Name = "corral-txnlog-flusher" };
        _flusher.Start();
    }

    public long LastAppendedZxid { get { lock (_gate) return _lastAppended; } }

    /// <summary>Bytes appended but not yet taken by the flusher: a signal for the server to throttle new writes when the disk falls behind.</summary>
    public int PendingBytes { get { lock (_gate) return _pending.ByteCount; } }

    /// <summary>
    /// Bytes appended but not yet durable: the pending batch plus the one being written and
    /// fsynced. The server throttles new writes while this exceeds its limit
    /// (<see cref="StorageOptions.MaxUnsyncedLogBytes"/>), so memory stays bounded when the disk
    /// falls behind. It drops just before each "durable up to" report.
    /// </summary>
    public long UnsyncedBytes { get { lock (_gate) return (long)_pending.ByteCount + _inFlightBytes; } }

    public long DurableZxid { get { lock (_gate) return _durable; } }

    /// <summary>Transactions written, batches written, and segment fsyncs issued so far.</summary>
    public (long Txns, long Batches, long Syncs) Stats { get { lock (_gate) return (_txns, _batches, _log.SyncCount); } }

    /// <summary>
    /// Queues one transaction. <paramref name="zxid"/> must directly follow the previous one
    /// (<see cref="Zxid.IsSuccessor"/>); anything else is a bug upstream and is rejected here,
    /// before it could produce a log that recovery refuses.
    /// </summary>
    public void Append(long zxid, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _log.Options.MaxRecordBytes)
            throw new ArgumentException($"Transaction of {payload.Length} bytes exceeds the {_log.Options.MaxRecordBytes}-byte limit.", nameof(payload));
        lock (_gate)
        {
            ThrowIfUnusable();
            if (!Zxid.IsSuccessor(_lastAppended, zxid))
                throw new ArgumentException($"zxid {Zxid.Describe(zxid)} does not follow the last logged {Zxid.Describe(_lastAppended)}.", nameof(zxid));
            _pending.Add(zxid, payload, _nextStartsSegment);
            _nextStartsSegment = false;
            _lastAppended = zxid;
            if (_pending.Count == 1) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The next appended transaction opens a new segment (ZooKeeper rolls the log when it takes a snapshot).</summary>
    public void RollOver()
    {
        lock (_gate) _nextStartsSegment = true;
    }

    /// <summary>
    /// After the state was replaced by a snapshot at <paramref name="snapshotZxid"/> (a Zab SNAP
    /// sync), the next transaction follows that zxid and opens a new segment. The log must hold
    /// nothing above it (truncate first with <see cref="TxnLogMaintenance.TruncateAfter"/>).
    /// </summary>
    public void StartAfterSnapshot(long snapshotZxid)
    {
        lock (_gate)
        {
            ThrowIfUnusable();
            if (snapshotZxid < _lastAppended)
                throw new InvalidOperationException($"The log already holds {Zxid.Describe(_lastAppended)}, past the snapshot {Zxid.Describe(snapshotZxid)}; truncate it first.");
            _lastAppended = snapshotZxid;
            _nextStartsSegment = true;
        }
    }

    /// <summary>Blocks until everything appended before the call is durable; throws if the disk failed.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            long target = _lastAppended;
            while (_durable < target && !_failureReported && _flusher.IsAlive) Monitor.Wait(_gate, 100);
            if (_failure is not null) throw new IOException("The transaction log failed.", _failure);
        }
    }

    private void ThrowIfUnusable()
    {
        if (_failure is not null) throw new IOException("The transaction log failed earlier; no more writes are accepted.", _failure);
        ObjectDisposedException.ThrowIf(_stopping, this);
    }

    private void FlushLoop()
    {
        var free = new RecordBatch();
        while (true)
        {
            RecordBatch batch;
            lock (_gate)
            {
                while (_pending.Count == 0 && !_stopping) Monitor.Wait(_gate);
                if (_pending.Count == 0) return; // stopping and drained
                batch = _pending;
                _pending = free;
                _inFlightBytes = batch.ByteCount;
            }
            long last;
            try
            {
                _log.Write(batch);
                _log.Sync();
                last = batch.LastZxid;
                int count = batch.Count;
                batch.Clear();
                free = batch;
                // Before the report, so whoever hears "durable" also sees the room it made.
                lock (_gate) _inFlightBytes = 0;
                _onDurable(last);
                lock (_gate)
                {
                    // Published after the callback so Flush() returns only once the owner has heard of it.
                    _durable = last;
                    _batches++;
                    _txns += count;
                    Monitor.PulseAll(_gate);
                }
            }
            catch (Exception ex)
            {
                lock (_gate) _failure = ex; // refuse further appends at once
                _onFailure?.Invoke(ex);
                lock (_gate)
                {
                    _failureReported = true; // release Flush() waiters only after the owner heard of it
                    Monitor.PulseAll(_gate);
                }
                return;
            }
        }
    }

    /// <summary>Writes and syncs everything still pending, stops the flusher and closes the segment.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _flusher.Join();
        try { _log.Dispose(); }
        catch (Exception) when (_failure is not null) { } // the disk already failed and was reported

    }
}
