using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Tree;

/// <summary>
/// The compact znode layout: exact allocation sizes (GC.GetAllocatedBytesForCurrentThread counts this
/// thread's allocations exactly, so these are deterministic), and stat fields that read back the same
/// whichever storage they ended up in (inline stamps, modified stamps, the side payload).
/// </summary>
public class ZNodeLayoutTests
{
    private static readonly byte[] Name7 = "n000123"u8.ToArray();
    private static readonly byte[] Data100 = new byte[100];

    /// <summary>A byte[] costs 24 bytes of header plus its length, rounded up to 8.</summary>
    private static long ArrayBytes(int length) => (24 + length + 7) / 8 * 8;

    private static long Allocated(Action action)
    {
        action(); // JIT and any one-time statics first
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void A_fresh_leaf_is_a_40_byte_object_and_one_payload_array()
    {
        // payload: flags 1 + czxid 8 + ctime 8 + name length 1 + name 7 + data 100
        long bytes = Allocated(() => GC.KeepAlive(new ZNode(Name7, Data100, false, 5, 777)));
        Assert.Equal(40 + ArrayBytes(1 + 16 + 1 + 7 + 100), bytes);
    }

    [Fact]
    public void Set_data_builds_one_payload_with_the_modification_stamps_and_no_side_payload()
    {
        var node = new ZNode(Name7, Data100, false, 5, 777);
        long bytes = Allocated(() => node.SetData(Data100, false, 1, 9, 999));
        Assert.Equal(ArrayBytes(1 + 32 + 1 + 7 + 100), bytes);
        Assert.Equal((5L, 9L, 777L, 999L, 1, 5L), (node.Czxid, node.Mzxid, node.Ctime, node.Mtime, node.Version, node.Pzxid));
        Assert.Equal("n000123", node.Name);
        Assert.Equal(Data100, node.Data.ToArray());
    }

    [Fact]
    public void Default_stat_values_never_allocate_the_side_payload()
    {
        var node = new ZNode(Name7, Data100, false, 5, 777);
        long bytes = Allocated(() =>
        {
            node.Pzxid = 5;
            node.ChildCreations = 0;
            node.Aversion = 0;
            node.RawOwner = 0;
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Stats_read_back_whatever_order_they_are_set_in()
    {
        var viaSetters = new ZNode(Name7, Data100, false);
        viaSetters.Mtime = 20; viaSetters.Pzxid = 12; viaSetters.Mzxid = 11; viaSetters.Aversion = 3;
        viaSetters.Czxid = 10; viaSetters.Ctime = 19; viaSetters.Version = 4; viaSetters.ChildCreations = 6;
        var restored = new ZNode(Name7, Data100, false);
        restored.RestoreStat(czxid: 10, mzxid: 11, pzxid: 12, ctime: 19, mtime: 20, version: 4, childCreations: 6, aversion: 3);
        foreach (var n in new[] { viaSetters, restored })
        {
            Assert.Equal((10L, 11L, 12L, 19L, 20L), (n.Czxid, n.Mzxid, n.Pzxid, n.Ctime, n.Mtime));
            Assert.Equal((4, 6, 3), (n.Version, n.ChildCreations, n.Aversion));
            Assert.Equal(Data100, n.Data.ToArray());
            Assert.Equal("n000123", n.Name);
        }
        // Back to equal stamps: the compact layout again, stamps still right.
        restored.RestoreStat(30, 30, 30, 40, 40, 0, 0, 0);
        Assert.Equal((30L, 30L, 30L, 40L, 40L), (restored.Czxid, restored.Mzxid, restored.Pzxid, restored.Ctime, restored.Mtime));
    }

    [Fact]
    public void Pzxid_follows_czxid_until_it_is_set()
    {
        var node = new ZNode(Name7, [], true);
        node.Aversion = 1; // side payload exists, pzxid still unset
        node.Czxid = 42;
        Assert.Equal(42, node.Pzxid);
        node.Pzxid = 50;
        node.Czxid = 43;
        Assert.Equal(50, node.Pzxid);
        Assert.True(node.DataIsNull);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16383)]
    [InlineData(16384)]
    [InlineData(70000)]
    public void Names_of_every_varint_length_survive_a_stamp_layout_change(int nameLength)
    {
        var name = Enumerable.Range(0, nameLength).Select(i => (byte)('a' + i % 26)).ToArray();
        var node = new ZNode(name, [1, 2, 3], false, 1, 1);
        Assert.Equal(name, node.NameBytes.ToArray());
        node.SetData([4, 5], false, 1, 2, 2);
        Assert.Equal(name, node.NameBytes.ToArray());
        Assert.Equal(new byte[] { 4, 5 }, node.Data.ToArray());
        Assert.Equal(2, node.DataLength);
    }

    [Fact]
    public void Owners_move_with_a_leaf_that_becomes_a_parent()
    {
        var t = new DataTree();
        var h = new TxnHeader(1, 1, 1, 100, TxnType.CreateContainer);
        t.Apply(h, new CreateContainerTxn("/box", null, Acl.OpenAclUnsafe, 1));
        t.Apply(h with { Zxid = 2 }, new CreateTxn("/box/kid", null, Acl.OpenAclUnsafe, 0, 1));
        var box = t.Find("/box")!;
        Assert.IsType<ZParentNode>(box);
        Assert.Equal(DataTree.ContainerOwner, t.RawOwner(box));
        Assert.Equal((1L, 2L, 1), (box.Czxid, box.Pzxid, box.ChildCreations));
    }
}

public class XxHash64Tests
{
    [Theory]
    [InlineData("", 0UL, 0xEF46DB3751D8E999UL)]
    [InlineData("abc", 0UL, 0x44BC2CF5AD770999UL)]
    public void Matches_the_reference_vectors(string input, ulong seed, ulong expected) =>
        Assert.Equal(expected, XxHash64.Hash(System.Text.Encoding.ASCII.GetBytes(input), seed));

    [Fact]
    public void Every_tail_length_and_the_stripe_loop_change_the_hash()
    {
        // 0..100 bytes covers the <32 path, the stripe loop, and 8/4/1-byte tails; all distinct.
        var seen = new HashSet<ulong>();
        var bytes = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        for (int len = 0; len <= 100; len++) Assert.True(seen.Add(XxHash64.Hash(bytes.AsSpan(0, len))));
        Assert.NotEqual(XxHash64.Hash(bytes, 0), XxHash64.Hash(bytes, 1));
    }
}
