using Corral.Storage.FileSystem;

namespace Corral.Storage.Log;

/// <summary>Outcome of <see cref="LogReplayer.Replay"/>.</summary>
public sealed record LogReplayResult(long LastZxid, long ReplayedTxns, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads the log after a snapshot and enforces the recovery rules (docs/storage.md):
/// <list type="bullet">
/// <item>Only the segments that can hold zxids after the snapshot are read: the last one whose
/// first zxid is at most snapshotZxid + 1, and every later one.</item>
/// <item>Every record's checksum must match, and zxids must be continuous (<see cref="Zxid.IsSuccessor"/>):
/// the first record after the snapshot follows the snapshot's zxid, and each later one its predecessor.
/// A jump (a missing segment, a lost record) refuses to start.</item>
/// <item>A damaged record in the last segment with nothing valid after it is a torn tail from a crash:
/// it is cut off (the bytes are zeroed and fsynced) with a warning. A damaged record followed by
/// valid records, or by further segments, is corruption in the middle and refuses to start.</item>
/// <item>A last segment whose header never made it to disk, or that holds no records after the tail
/// is cut, is deleted (it held nothing acknowledged).</item>
/// </list>
/// Refusals throw <see cref="StorageCorruptionException"/> naming the file.
/// </summary>
public static class LogReplayer
{
    /// <param name="afterZxid">Zxid of the loaded snapshot (0 without one); only later records reach <paramref name="handler"/>.</param>
    /// <param name="repair">Cut torn tails on disk (recovery); false only reports them (inspection tools).</param>
    public static LogReplayResult Replay(IStorageFileSystem fs, string logDir, long afterZxid, TxnRecordHandler handler,
        int maxRecordBytes, bool repair = true)
    {
        var warnings = new List<string>();
        var segments = TxnLogFormat.ListSegments(fs, logDir);
        int start = 0;
        for (int i = 0; i < segments.Count; i++)
            if (segments[i].FirstZxid <= afterZxid + 1) start = i;

        long? previous = null;
        long replayed = 0;
        for (int i = start; i < segments.Count; i++)
        {
            var (nameZxid, path) = segments[i];
            bool isLast = i == segments.Count - 1;
            long? damageAt = null;
            int records = 0;
            using (var file = fs.Open(path, StorageOpenMode.ReadOnly))
            {
                var reader = new SegmentReader(file, maxRecordBytes);
                long? headerZxid = reader.ReadHeader(out string? headerError);
                if (headerZxid is null)
                {
                    // A new segment's header is fsynced before any record goes in, so a last segment
                    // with a bad header and nothing beyond it only lost its own creation.
                    if (isLast && reader.DataExtent <= TxnLogFormat.HeaderSize)
                    {
                        warnings.Add($"Deleting log segment {path}: its header was never completely written ({headerError}).");
                        if (repair)
                        {
                            file.Dispose();
                            DeleteSegment(fs, logDir, path);
                        }
                        continue;
                    }
                    throw new StorageCorruptionException(path, $"Transaction log segment has an unreadable header: {headerError}");
                }
                if (headerZxid != nameZxid)
                    throw new StorageCorruptionException(path, $"Segment header says it starts at {Zxid.Describe(headerZxid.Value)}, its name says {Zxid.Describe(nameZxid)}");

                while (reader.TryReadNext(out long zxid, out var payload))
                {
                    if (records == 0 && zxid != nameZxid)
                        throw new StorageCorruptionException(path, $"First record has zxid {Zxid.Describe(zxid)} but the segment starts at {Zxid.Describe(nameZxid)}");
                    CheckContinuity(path, reader.Position, previous, zxid, afterZxid);
                    if (zxid > afterZxid)
                    {
                        handler(zxid, payload);
                        replayed++;
                    }
                    previous = zxid;
                    records++;
                }

                if (reader.End == SegmentEnd.Damaged)
                {
                    long at = reader.Position;
                    string after = previous is null ? "at the start of the segment" : $"after zxid {Zxid.Describe(previous.Value)}";
                    if (!isLast)
                        throw new StorageCorruptionException(path, $"Damaged record at offset {at} ({reader.DamageReason}) {after}, and later segments follow it: the log is corrupt in the middle");
                    long validAt = reader.FindValidRecordAfter(at, previous ?? nameZxid - 1);
                    if (validAt >= 0)
                        throw new StorageCorruptionException(path, $"Damaged record at offset {at} ({reader.DamageReason}) {after} is followed by a valid record at offset {validAt}: the log is corrupt in the middle");
                    warnings.Add($"Truncated the torn tail of {path} at offset {at} ({reader.DamageReason}) {after}; {reader.DataExtent - at} bytes discarded.");
                    damageAt = at;
                }
                else if (isLast && records == 0)
                {
                    warnings.Add($"Deleting log segment {path}: it holds no records.");
                    damageAt = TxnLogFormat.HeaderSize;
                }

                if (damageAt is long cut && repair)
                {
                    long extent = reader.DataExtent;
                    file.Dispose();
                    if (records == 0) DeleteSegment(fs, logDir, path);
                    else ZeroRange(fs, path, cut, extent);
                }
            }
        }
        long last = previous is long p && p > afterZxid ? p : afterZxid;
        return new LogReplayResult(last, replayed, warnings);
    }

    private static void CheckContinuity(string path, long offsetAfter, long? previous, long zxid, long afterZxid)
    {
        if (zxid <= afterZxid)
        {
            // Records already covered by the snapshot only need to be continuous among themselves.
            if (previous is long prev && !Zxid.IsSuccessor(prev, zxid))
                throw Gap(path, offsetAfter, prev, zxid);
            return;
        }
        long expectedAfter = previous is long p && p >= afterZxid ? p : afterZxid;
        if (!Zxid.IsSuccessor(expectedAfter, zxid))
            throw Gap(path, offsetAfter, expectedAfter, zxid);
    }

    private static StorageCorruptionException Gap(string path, long offsetAfter, long previous, long zxid) =>
        new(path, $"Gap in the transaction log: zxid {Zxid.Describe(zxid)} (record ending at offset {offsetAfter}) does not follow {Zxid.Describe(previous)}; a segment or records are missing");

    private static void ZeroRange(IStorageFileSystem fs, string path, long from, long to)
    {
        using var file = fs.Open(path, StorageOpenMode.ReadWrite);
        var zeros = new byte[1 << 20];
        for (long offset = from; offset < to; offset += zeros.Length)
            file.Write(offset, zeros.AsSpan(0, (int)Math.Min(zeros.Length, to - offset)));
        file.Flush();
    }

    private static void DeleteSegment(IStorageFileSystem fs, string logDir, string path)
    {
        fs.Delete(path);
        fs.SyncDirectory(logDir);
    }
}
