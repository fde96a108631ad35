using System.Text;
using Corral.Storage.FileSystem;
using Corral.Storage.Log;

namespace Corral.Storage.Tests;

/// <summary>Helpers shared by the log tests: deterministic payloads, direct writes, full replays.</summary>
internal static class TestLog
{
    public const string Dir = "/data/log";

    public static InMemoryFileSystem NewFs()
    {
        var fs = new InMemoryFileSystem();
        fs.CreateDirectory(Dir);
        return fs;
    }

    public static TxnLogOptions SmallOptions(bool forceSync = true) => new()
    {
        ForceSync = forceSync,
        PreallocationBytes = 4096,
        SegmentRollBytes = 1 << 20,
        MaxRecordBytes = 1 << 20,
    };

    /// <summary>A payload that identifies its zxid and has a zxid-dependent length.</summary>
    public static byte[] Payload(long zxid) =>
        Encoding.UTF8.GetBytes($"txn-{zxid:x}-" + new string((char)('a' + zxid % 26), (int)(zxid % 37)));

    /// <summary>Writes zxids from..to (counter values in epoch <paramref name="epoch"/>) as one batch and fsyncs.</summary>
    public static void WriteBatch(TxnLog log, long epoch, long fromCounter, long toCounter)
    {
        var batch = new RecordBatch();
        for (long c = fromCounter; c <= toCounter; c++)
        {
            long zxid = Zxid.Make(epoch, c);
            batch.Add(zxid, Payload(zxid), startsSegment: false);
        }
        log.Write(batch);
        log.Sync();
    }

    public static List<(long Zxid, byte[] Payload)> ReplayAll(IStorageFileSystem fs, long after = 0, string dir = Dir)
    {
        var list = new List<(long, byte[])>();
        LogReplayer.Replay(fs, dir, after, (z, p) => list.Add((z, p.ToArray())), 1 << 20);
        return list;
    }

    public static LogReplayResult Replay(IStorageFileSystem fs, List<long> into, long after = 0, string dir = Dir) =>
        LogReplayer.Replay(fs, dir, after, (z, p) =>
        {
            Assert.Equal(Payload(z), p.ToArray());
            into.Add(z);
        }, 1 << 20);

    public static List<long> Range(long epoch, long fromCounter, long toCounter)
    {
        var list = new List<long>();
        for (long c = fromCounter; c <= toCounter; c++) list.Add(Zxid.Make(epoch, c));
        return list;
    }

    public static string SegmentPath(long firstZxid, string dir = Dir) => Path.Combine(dir, TxnLogFormat.SegmentName(firstZxid));
}
