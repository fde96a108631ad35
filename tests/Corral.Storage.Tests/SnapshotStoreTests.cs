using System.Text;
using Corral.Storage.FileSystem;
using Corral.Storage.Snapshots;

namespace Corral.Storage.Tests;

public class SnapshotStoreTests
{
    private const string Dir = "/data/snap";

    private static (InMemoryFileSystem Fs, SnapshotStore Store) NewStore()
    {
        var fs = new InMemoryFileSystem();
        fs.CreateDirectory(Dir);
        return (fs, new SnapshotStore(fs, Dir));
    }

    private static Action<Stream> Content(string text) => s => s.Write(Encoding.UTF8.GetBytes(text));

    private static string ReadContent(SnapshotStore store, SnapshotInfo info)
    {
        string? text = null;
        store.Read(info, s => text = new StreamReader(s).ReadToEnd());
        return text!;
    }

    [Fact]
    public void A_snapshot_round_trips_and_survives_a_crash_once_written()
    {
        var (fs, store) = NewStore();
        var big = string.Concat(Enumerable.Range(0, 100_000).Select(i => $"/node{i}\n")); // > 1 MiB: several buffer flushes
        var info = store.Write(0x100000005, Content(big));
        Assert.Equal(Path.Combine(Dir, "snap.100000005"), info.Path);
        Assert.Equal(Encoding.UTF8.GetByteCount(big), info.ContentLength);
        fs.Crash();

        var found = Assert.Single(store.FindNewestValid(5));
        Assert.Equal(0x100000005, found.Zxid);
        Assert.Equal(big, ReadContent(store, found));
        Assert.Equal(["snap.100000005"], fs.ListFiles(Dir));
    }

    [Fact]
    public void The_file_has_the_documented_header_and_trailer()
    {
        var (fs, store) = NewStore();
        store.Write(0x2a, Content("abc"));
        var bytes = fs.ReadAllBytes(Path.Combine(Dir, "snap.2a"));
        Assert.Equal(24 + 3 + 16, bytes.Length);
        Assert.Equal("CRSN"u8.ToArray(), bytes[..4]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0x2a }, bytes[8..16]);
        Assert.Equal("abc"u8.ToArray(), bytes[24..27]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 3 }, bytes[27..35]);
        uint crc = Crc32C.Compute("abc"u8);
        Assert.Equal(new[] { (byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc }, bytes[35..39]);
        Assert.Equal("CRND"u8.ToArray(), bytes[39..43]);
    }

    [Fact]
    public void Newest_valid_snapshot_skips_corrupt_and_partial_ones()
    {
        var (fs, store) = NewStore();
        store.Write(10, Content("ten"));
        store.Write(20, Content("twenty"));
        store.Write(30, Content("thirty"));
        store.Write(40, Content("forty"));
        fs.FlipBit(Path.Combine(Dir, "snap.28"), 26, 2);          // content bit flip in 40
        fs.TruncateDurably(Path.Combine(Dir, "snap.1e"), 30);     // partial 30

        var warnings = new List<string>();
        var valid = store.FindNewestValid(2, warnings);
        Assert.Equal([20L, 10L], valid.Select(v => v.Zxid));
        Assert.Equal("twenty", ReadContent(store, valid[0]));
        Assert.Equal(2, warnings.Count);
        Assert.Contains("snap.28", warnings[0]);
        Assert.Contains("content checksum mismatch", warnings[0]);
        Assert.Contains("snap.1e", warnings[1]);
    }

    [Fact]
    public void A_crash_before_publish_leaves_only_the_previous_snapshot()
    {
        var (fs, store) = NewStore();
        store.Write(10, Content("ten"));
        // Interrupt the write of snapshot 20 at the fsync of its temp file.
        fs.BeforeFlush = path => { if (path.EndsWith(".tmp")) { fs.Crash(); throw new IOException("power lost"); } };
        Assert.Throws<IOException>(() => store.Write(20, Content("twenty")));
        fs.BeforeFlush = null;

        var found = Assert.Single(store.FindNewestValid(5));
        Assert.Equal(10, found.Zxid);
        store.DeleteTemporaryFiles();
        Assert.Equal(["snap.a"], fs.ListFiles(Dir));
    }

    [Fact]
    public void A_header_whose_zxid_differs_from_the_name_is_invalid()
    {
        var (fs, store) = NewStore();
        store.Write(10, Content("ten"));
        fs.Rename(Path.Combine(Dir, "snap.a"), Path.Combine(Dir, "snap.b"));
        var warnings = new List<string>();
        Assert.Empty(store.FindNewestValid(1, warnings));
        Assert.Contains("does not match the file name", Assert.Single(warnings));
    }

    [Fact]
    public void A_failing_writer_callback_leaves_no_file_behind()
    {
        var (fs, store) = NewStore();
        Assert.Throws<InvalidOperationException>(() => store.Write(5, s => { s.WriteByte(1); throw new InvalidOperationException("tree busy"); }));
        Assert.Empty(fs.ListFiles(Dir));
    }

    [Fact]
    public void The_reader_stops_at_the_end_of_the_content()
    {
        var (_, store) = NewStore();
        var info = store.Write(7, Content("xyz"));
        store.Read(info, s =>
        {
            var buffer = new byte[100];
            Assert.Equal(3, s.Read(buffer, 0, 100));
            Assert.Equal(0, s.Read(buffer, 0, 100));
        });
    }
}
