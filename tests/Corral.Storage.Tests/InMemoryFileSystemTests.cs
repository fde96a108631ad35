using Corral.Storage.FileSystem;

namespace Corral.Storage.Tests;

public class InMemoryFileSystemTests
{
    private const string F = "/d/file";

    private static InMemoryFileSystem FsWithDir()
    {
        var fs = new InMemoryFileSystem();
        fs.CreateDirectory("/d");
        return fs;
    }

    [Fact]
    public void Crash_keeps_synced_bytes_and_drops_unsynced_ones()
    {
        var fs = FsWithDir();
        using (var f = fs.Open(F, StorageOpenMode.CreateNew))
        {
            f.Write(0, [1, 2, 3]);
            f.Flush();
            f.Write(3, [4, 5, 6]);
        }
        fs.SyncDirectory("/d");
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, fs.ReadAllBytes(F));
        fs.Crash();
        Assert.Equal(new byte[] { 1, 2, 3 }, fs.ReadAllBytes(F));
    }

    [Fact]
    public void Crash_can_keep_a_torn_prefix_of_the_next_unsynced_write()
    {
        var fs = FsWithDir();
        using (var f = fs.Open(F, StorageOpenMode.CreateNew))
        {
            f.Write(0, [1]);
            f.Flush();
            f.Write(1, [2, 2]);
            f.Write(3, [3, 3, 3, 3]);
            f.Write(7, [4]);
        }
        fs.SyncDirectory("/d");
        fs.Crash(F, keepWrites: 1, tornBytes: 2);
        Assert.Equal(new byte[] { 1, 2, 2, 3, 3 }, fs.ReadAllBytes(F));
    }

    [Fact]
    public void A_new_name_is_lost_in_a_crash_unless_its_directory_was_synced()
    {
        var fs = FsWithDir();
        using (var f = fs.Open(F, StorageOpenMode.CreateNew)) { f.Write(0, [9]); f.Flush(); }
        fs.Crash();
        Assert.False(fs.FileExists(F));

        using (var f = fs.Open(F, StorageOpenMode.CreateNew)) { f.Write(0, [9]); f.Flush(); }
        fs.SyncDirectory("/d");
        fs.Crash();
        Assert.Equal(new byte[] { 9 }, fs.ReadAllBytes(F));
    }

    [Fact]
    public void An_unsynced_rename_reverts_in_a_crash()
    {
        var fs = FsWithDir();
        using (var f = fs.Open("/d/a", StorageOpenMode.CreateNew)) { f.Write(0, [1]); f.Flush(); }
        fs.SyncDirectory("/d");
        fs.Rename("/d/a", "/d/b");
        Assert.Equal(["b"], fs.ListFiles("/d"));
        fs.Crash();
        Assert.Equal(["a"], fs.ListFiles("/d"));
    }

    [Fact]
    public void Handles_opened_before_a_crash_stop_working()
    {
        var fs = FsWithDir();
        var f = fs.Open(F, StorageOpenMode.CreateNew);
        fs.Crash();
        Assert.Throws<IOException>(() => f.Write(0, [1]));
    }

    [Fact]
    public void Preallocated_space_reads_as_zeros_and_bit_flips_hit_durable_content()
    {
        var fs = FsWithDir();
        using (var f = fs.Open(F, StorageOpenMode.CreateNew, preallocationSize: 1 << 20))
        {
            Assert.Equal(1 << 20, f.Length);
            f.Write(10, [0xF0]);
            f.Flush();
            var buf = new byte[4];
            Assert.Equal(4, f.Read(8, buf));
            Assert.Equal(new byte[] { 0, 0, 0xF0, 0 }, buf);
        }
        fs.SyncDirectory("/d");
        fs.FlipBit(F, 10, 0);
        fs.FlipBit(F, 500_000, 7);
        fs.Crash();
        var bytes = fs.ReadAllBytes(F);
        Assert.Equal(0xF1, bytes[10]);
        Assert.Equal(0x80, bytes[500_000]);
        Assert.Equal(1 << 20, bytes.Length);
    }

    [Fact]
    public void Read_only_handles_refuse_writes_and_missing_files_are_reported()
    {
        var fs = FsWithDir();
        using (fs.Open(F, StorageOpenMode.CreateNew)) { }
        using var ro = fs.Open(F, StorageOpenMode.ReadOnly);
        Assert.Throws<UnauthorizedAccessException>(() => ro.Write(0, [1]));
        Assert.Throws<FileNotFoundException>(() => fs.Open("/d/missing", StorageOpenMode.ReadOnly));
        Assert.Throws<IOException>(() => fs.Open(F, StorageOpenMode.CreateNew));
    }
}
