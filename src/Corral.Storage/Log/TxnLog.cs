using Corral.Storage.FileSystem;

namespace Corral.Storage.Log;

/// <summary>
/// Appends records to the segment files of one log directory (format: <see cref="TxnLogFormat"/>).
/// Single-threaded: <see cref="GroupCommitter"/> drives it from its flusher thread.
/// A new segment is started at the first write after opening (so a recovered, possibly repaired
/// segment is never appended to), after <see cref="RollOver"/>, when a segment exceeds
/// <see cref="TxnLogOptions.SegmentRollBytes"/>, and whenever a zxid does not directly follow the
/// previous one (after a snapshot sync), so every segment is contiguous inside.
/// A new segment's header is fsynced and its directory entry made durable before any record is
/// written to it. Space is preallocated in <see cref="TxnLogOptions.PreallocationBytes"/> steps.
/// </summary>
public sealed class TxnLog : IDisposable
{
    private readonly IStorageFileSystem _fs;
    private readonly string _directory;
    private readonly TxnLogOptions _options;
    private IStorageFile? _segment;
    private long _segmentLastZxid;
    private long _logicalEnd;
    private long _allocated;
    private bool _rollRequested;

    /// <param name="lastZxid">The last zxid already in the log (from recovery); the next write must follow it.</param>
    public TxnLog(IStorageFileSystem fs, string directory, TxnLogOptions options, long lastZxid)
    {
        _fs = fs;
        _directory = directory;
        _options = options;
        LastZxid = lastZxid;
        fs.CreateDirectory(directory);
    }

    public string Directory => _directory;
    public TxnLogOptions Options => _options;

    /// <summary>Zxid of the last record written (or recovered).</summary>
    public long LastZxid { get; private set; }

    /// <summary>Path of the segment being written, if any.</summary>
    public string? CurrentSegmentPath => _segment?.Path;

    /// <summary>Number of fsyncs issued on segment files (for group-commit measurements).</summary>
    public long SyncCount { get; private set; }

    /// <summary>The next write starts a new segment (called when a snapshot is taken).</summary>
    public void RollOver() => _rollRequested = true;

    /// <summary>Writes every record of <paramref name="batch"/> (not yet durable: call <see cref="Sync"/>).</summary>
    public void Write(RecordBatch batch)
    {
        int runStart = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            long zxid = batch.ZxidAt(i);
            bool contiguous = _segment is not null && Zxid.IsSuccessor(_segmentLastZxid, zxid);
            bool full = _logicalEnd + (batch.OffsetAt(i) - batch.OffsetAt(runStart)) >= _options.SegmentRollBytes;
            if (_segment is null || _rollRequested || full || !contiguous || batch.StartsSegmentAt(i))
            {
                WriteRun(batch, runStart, i);
                if (_segment is not null) CloseSegment();
                OpenSegment(zxid);
                runStart = i;
            }
            _segmentLastZxid = zxid;
        }
        WriteRun(batch, runStart, batch.Count);
        if (batch.Count > 0) LastZxid = batch.LastZxid;
    }

    /// <summary>Makes everything written so far durable (no-op without ForceSync).</summary>
    public void Sync()
    {
        if (_segment is null || !_options.ForceSync) return;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        _segment.Flush();
        StorageMetrics.FsyncDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        SyncCount++;
    }

    private void WriteRun(RecordBatch batch, int from, int to)
    {
        if (from >= to || _segment is null) return;
        var bytes = batch.Bytes(from, to);
        if (_logicalEnd + bytes.Length > _allocated)
        {
            // Grow by whole preallocation steps so most appends never change the file size.
            long needed = _logicalEnd + bytes.Length;
            long step = Math.Max(1, _options.PreallocationBytes);
            _allocated = (needed + step - 1) / step * step;
            _segment.SetLength(_allocated);
        }
        _segment.Write(_logicalEnd, bytes);
        _logicalEnd += bytes.Length;
    }

    private void OpenSegment(long firstZxid)
    {
        string path = System.IO.Path.Combine(_directory, TxnLogFormat.SegmentName(firstZxid));
        long prealloc = Math.Max(_options.PreallocationBytes, TxnLogFormat.HeaderSize);
        var file = _fs.Open(path, StorageOpenMode.CreateNew, prealloc);
        try
        {
            if (file.Length < prealloc) file.SetLength(prealloc);
            Span<byte> header = stackalloc byte[TxnLogFormat.HeaderSize];
            TxnLogFormat.WriteHeader(header, firstZxid);
            file.Write(0, header);
            // The header and the directory entry must be durable before any record in this file
            // is acknowledged, or a crash could lose a whole fsynced batch with its file name.
            if (_options.ForceSync)
            {
                file.Flush();
                SyncCount++;
                _fs.SyncDirectory(_directory);
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }
        _segment = file;
        _allocated = prealloc;
        _logicalEnd = TxnLogFormat.HeaderSize;
        _rollRequested = false;
    }

    private void CloseSegment()
    {
        if (_segment is null) return;
        Sync();
        // Give back the unused preallocated space; the data before it is already durable, and if
        // this shrink is lost in a crash the tail simply reads as zeros again.
        _segment.SetLength(_logicalEnd);
        _segment.Dispose();
        _segment = null;
    }

    /// <summary>Syncs and closes the current segment.</summary>
    public void Dispose() => CloseSegment();
}
