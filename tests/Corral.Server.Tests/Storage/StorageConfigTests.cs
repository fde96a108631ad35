using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Corral.Storage;
using Corral.Storage.FileSystem;

namespace Corral.Server.Tests.Storage;

/// <summary>zoo.cfg storage keys, parsed and mapped, change what the log and the snapshot policy do.</summary>
public sealed class StorageConfigTests
{
    private static StorageOptions FromCfg(string cfg) =>
        CoreFactory.ToStorageOptions(ZooCfgParser.Parse("dataDir=/srv/data\ndataLogDir=/srv/log\nsnapCount=100000000\n" + cfg));

    private static DurableStore Started(StorageOptions options, InMemoryFileSystem fs)
    {
        var store = new DurableStore(options, fs);
        store.Recover((_, _) => { }, (_, _) => { });
        store.Start(_ => { }, _ => { });
        return store;
    }

    private static long SegmentLength(InMemoryFileSystem fs)
    {
        string name = Assert.Single(fs.ListFiles("/srv/log"));
        using var file = fs.Open(Path.Combine("/srv/log", name), StorageOpenMode.ReadOnly);
        return file.Length;
    }

    [Theory]
    [InlineData("", 64L << 20)]                           // ZooKeeper's default, 65536 KB
    [InlineData("preAllocSize=128\n", 128 * 1024)]
    [InlineData("zookeeper.preAllocSize=200\n", 200 * 1024)]
    public void PreAllocSize_in_KB_sizes_each_new_log_segment(string cfg, long expectedBytes)
    {
        var fs = new InMemoryFileSystem();
        using var store = Started(FromCfg(cfg), fs);
        store.Append(1, new byte[100]);
        store.Committer.Flush();
        Assert.Equal(expectedBytes, SegmentLength(fs));
    }

    [Fact]
    public void PreAllocSize_zero_grows_the_segment_only_as_far_as_the_data()
    {
        var fs = new InMemoryFileSystem();
        using var store = Started(FromCfg("preAllocSize=0\n"), fs);
        store.Append(1, new byte[100]);
        store.Committer.Flush();
        // 24-byte segment header + one record: 16 bytes of framing (length, crc, zxid) + 100 payload.
        Assert.Equal(24 + 16 + 100, SegmentLength(fs));
    }

    /// <summary>Index (1-based) of the first append of <paramref name="payloadBytes"/> that makes a snapshot due, or 0.</summary>
    private static int FirstSnapshotDue(StorageOptions options, int payloadBytes, int appends)
    {
        using var store = Started(options, new InMemoryFileSystem());
        var payload = new byte[payloadBytes];
        for (int i = 1; i <= appends; i++)
            if (store.Append(i, payload)) return i;
        return 0;
    }

    [Fact]
    public void SnapSizeLimitInKb_makes_a_snapshot_due_between_half_and_all_of_the_limit()
    {
        var options = FromCfg("snapSizeLimitInKb=10\n");
        Assert.Equal(10 * 1024, options.SnapSizeLimitBytes);
        for (int run = 0; run < 20; run++)
        {
            // ZooKeeper's rule: due once the bytes logged exceed limit/2 + r, r uniform in [0, limit/2).
            // Each append logs a 116-byte record (100 payload + 16 framing).
            int due = FirstSnapshotDue(options, payloadBytes: 100, appends: 1000);
            Assert.InRange(due, 5 * 1024 / 116 + 1, 10 * 1024 / 116 + 1);
        }
    }

    [Theory]
    [InlineData("snapSizeLimitInKb=0\n")]
    [InlineData("snapSizeLimitInKb=-1\n")]
    public void SnapSizeLimitInKb_zero_or_less_disables_the_size_trigger(string cfg)
    {
        var options = FromCfg(cfg);
        Assert.Equal(0, options.SnapSizeLimitBytes);
        Assert.Equal(0, FirstSnapshotDue(options, payloadBytes: 1000, appends: 5000));
    }

    [Fact]
    public void SnapSizeLimitInKb_defaults_to_4_GiB()
    {
        Assert.Equal(4L << 30, FromCfg("").SnapSizeLimitBytes);
        Assert.Equal(64L << 20, FromCfg("").PreallocationBytes);
        Assert.Equal(32L << 20, FromCfg("").MaxUnsyncedLogBytes);
    }
}
