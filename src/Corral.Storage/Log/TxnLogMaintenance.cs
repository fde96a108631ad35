using Corral.Storage.FileSystem;

namespace Corral.Storage.Log;

/// <summary>
/// Log operations a Zab peer needs besides appending: reading committed transactions back for a
/// follower's DIFF sync, and truncating for a TRUNC sync. Neither may run while a
/// <see cref="GroupCommitter"/> writes beyond the range they touch (reading up to the durable zxid is fine).
/// </summary>
public static class TxnLogMaintenance
{
    /// <summary>
    /// The records with <paramref name="fromZxid"/> ≤ zxid ≤ <paramref name="upToZxid"/>, in order.
    /// <paramref name="upToZxid"/> must not exceed the durable zxid (records beyond it may be half
    /// written right now). Damage before <paramref name="upToZxid"/> throws <see cref="StorageCorruptionException"/>.
    /// </summary>
    public static IEnumerable<TxnRecord> ReadFrom(IStorageFileSystem fs, string logDir, long fromZxid, long upToZxid,
        int maxRecordBytes = 16 << 20)
    {
        var segments = TxnLogFormat.ListSegments(fs, logDir);
        int start = 0;
        for (int i = 0; i < segments.Count; i++)
            if (segments[i].FirstZxid <= fromZxid) start = i;
        for (int i = start; i < segments.Count && segments[i].FirstZxid <= upToZxid; i++)
        {
            var batch = new List<TxnRecord>();
            bool done = false;
            using (var file = fs.Open(segments[i].Path, StorageOpenMode.ReadOnly))
            {
                var reader = new SegmentReader(file, maxRecordBytes);
                if (reader.ReadHeader(out string? error) is null)
                    throw new StorageCorruptionException(segments[i].Path, $"Unreadable segment header: {error}");
                long last = 0;
                while (reader.TryReadNext(out long zxid, out var payload))
                {
                    last = zxid;
                    if (zxid > upToZxid) { done = true; break; }
                    if (zxid >= fromZxid) batch.Add(new TxnRecord(zxid, payload.ToArray()));
                }
                // Records up to upToZxid are durable and complete, so damage before it is real corruption.
                if (reader.End == SegmentEnd.Damaged && last < upToZxid)
                    throw new StorageCorruptionException(segments[i].Path, $"Damaged record at offset {reader.Position} ({reader.DamageReason})");
            }
            foreach (var record in batch) yield return record;
            if (done) yield break;
        }
    }

    /// <summary>
    /// Removes every record after <paramref name="zxid"/> (Zab TRUNC): later segments are deleted,
    /// the segment holding <paramref name="zxid"/> is cut after it (the rest zeroed and fsynced).
    /// </summary>
    public static void TruncateAfter(IStorageFileSystem fs, string logDir, long zxid, int maxRecordBytes = 16 << 20)
    {
        var segments = TxnLogFormat.ListSegments(fs, logDir);
        bool deleted = false;
        for (int i = segments.Count - 1; i >= 0; i--)
        {
            var (first, path) = segments[i];
            if (first > zxid)
            {
                fs.Delete(path);
                deleted = true;
                continue;
            }
            long cutAt = -1, extent;
            using (var file = fs.Open(path, StorageOpenMode.ReadOnly))
            {
                var reader = new SegmentReader(file, maxRecordBytes);
                if (reader.ReadHeader(out string? error) is null)
                    throw new StorageCorruptionException(path, $"Unreadable segment header: {error}");
                long before = reader.Position;
                while (reader.TryReadNext(out long recordZxid, out _))
                {
                    if (recordZxid > zxid) { cutAt = before; break; }
                    before = reader.Position;
                }
                extent = reader.DataExtent;
            }
            if (cutAt < 0) break; // the segment ends at or before zxid: nothing to cut
            if (cutAt < extent)
            {
                using var file = fs.Open(path, StorageOpenMode.ReadWrite);
                var zeros = new byte[1 << 20];
                for (long offset = cutAt; offset < extent; offset += zeros.Length)
                    file.Write(offset, zeros.AsSpan(0, (int)Math.Min(zeros.Length, extent - offset)));
                file.Flush();
            }
            break;
        }
        if (deleted) fs.SyncDirectory(logDir);
    }
}
