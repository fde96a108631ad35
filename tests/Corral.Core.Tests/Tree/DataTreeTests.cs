using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Tree;

public class DataTreeTests
{
    private static readonly IReadOnlyList<Acl> Open = Acl.OpenAclUnsafe;

    private static TxnResult Apply(DataTree t, long zxid, Txn txn, long session = 0x55, long time = 1000, List<WatchTrigger>? triggers = null) =>
        t.Apply(new TxnHeader(session, 1, zxid, time, txn.Type), txn, triggers);

    [Fact]
    public void Fresh_tree_has_the_builtins_with_zookeepers_stats()
    {
        var t = new DataTree();
        Assert.Equal(4, t.NodeCount);
        Assert.Equal(new Stat(0, 0, 0, 0, 0, -1, 0, 0, 0, 1, 0), t.GetStat(t.Root));
        Assert.Equal(new Stat(0, 0, 0, 0, 0, -2, 0, 0, 0, 2, 0), t.GetStat(t.Find("/zookeeper")!));
        Assert.Equal(new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), t.GetStat(t.Find("/zookeeper/quota")!));
        var config = t.Find("/zookeeper/config")!;
        Assert.Equal(new Stat(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0), t.GetStat(config));
        Assert.Equal(Acl.ReadAclUnsafe, t.GetAcl(config));
        Assert.Equal(Open, t.GetAcl(t.Root));
        Assert.False(t.Root.DataIsNull);
    }

    [Fact]
    public void Create_sets_every_stat_field_and_updates_the_parent()
    {
        var t = new DataTree();
        var r = Apply(t, 5, new CreateTxn("/a", [1, 2, 3], Open, 0, 1), time: 777);
        Assert.Equal(ErrorCode.Ok, r.Error);
        Assert.Equal("/a", r.Path);
        Assert.Equal(new Stat(5, 5, 777, 777, 0, 0, 0, 0, 3, 0, 5), r.Stat);
        var root = t.GetStat(t.Root);
        Assert.Equal(5, root.Pzxid);
        Assert.Equal(2, root.NumChildren);
        Assert.Equal(2 * 1 - 2, root.Cversion);
        Assert.Equal(0, root.Mzxid);
        Assert.Equal(5, t.LastProcessedZxid);
        Assert.Equal(5, t.NodeCount);
    }

    [Fact]
    public void Cversion_counts_creates_and_deletes()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/p", null, Open, 0, 1));
        Apply(t, 2, new CreateTxn("/p/a", null, Open, 0, 1));
        Apply(t, 3, new CreateTxn("/p/b", null, Open, 0, 2));
        Apply(t, 4, new DeleteTxn("/p/a"));
        var p = t.GetStat(t.Find("/p")!);
        Assert.Equal(3, p.Cversion);
        Assert.Equal(1, p.NumChildren);
        Assert.Equal(4, p.Pzxid);
        Assert.Equal(1, p.Mzxid);
        Assert.Equal(2, t.Find("/p")!.ChildCreations);
    }

    [Fact]
    public void SetData_and_SetAcl_change_only_their_fields()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/n", [9], Open, 0, 1), time: 100);
        var s = Apply(t, 2, new SetDataTxn("/n", [1, 2], 1), time: 200).Stat!.Value;
        Assert.Equal(new Stat(1, 2, 100, 200, 1, 0, 0, 0, 2, 0, 1), s);
        var a = Apply(t, 3, new SetAclTxn("/n", Acl.ReadAclUnsafe, 1), time: 300).Stat!.Value;
        Assert.Equal(new Stat(1, 2, 100, 200, 1, 0, 1, 0, 2, 0, 1), a);
        Assert.Equal(Acl.ReadAclUnsafe, t.GetAcl(t.Find("/n")!));
    }

    [Fact]
    public void Null_data_stays_distinct_from_empty()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/null", null, Open, 0, 1));
        Apply(t, 2, new CreateTxn("/empty", [], Open, 0, 2));
        Assert.Null(t.Find("/null")!.DataCopy());
        var empty = t.Find("/empty")!.DataCopy();
        Assert.NotNull(empty);
        Assert.Empty(empty);
        Apply(t, 3, new SetDataTxn("/empty", null, 1));
        Assert.Null(t.Find("/empty")!.DataCopy());
        Assert.Equal("empty", t.Find("/empty")!.Name);
    }

    [Fact]
    public void Ephemeral_container_and_ttl_owners_are_tracked_and_shown_correctly()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/e", null, Open, 0x77, 1));
        Apply(t, 2, new CreateContainerTxn("/c", null, Open, 2));
        Apply(t, 3, new CreateTtlTxn("/t", null, Open, 5000, 3));
        Assert.Equal(0x77, t.GetStat(t.Find("/e")!).EphemeralOwner);
        Assert.Equal(0, t.GetStat(t.Find("/c")!).EphemeralOwner);
        Assert.Equal(0, t.GetStat(t.Find("/t")!).EphemeralOwner);
        Assert.Equal(DataTree.ContainerOwner, t.RawOwner(t.Find("/c")!));
        Assert.Equal(5000, DataTree.TtlOf(t.RawOwner(t.Find("/t")!)));
        Assert.Equal(["/e"], t.GetEphemerals(0x77));
        Assert.Equal(["/c"], t.Containers);
        Assert.Equal(["/t"], t.TtlNodes);
        Apply(t, 4, new DeleteTxn("/e"));
        Apply(t, 5, new DeleteTxn("/c"));
        Apply(t, 6, new DeleteTxn("/t"));
        Assert.Empty(t.GetEphemerals(0x77));
        Assert.Empty(t.Containers);
        Assert.Empty(t.TtlNodes);
        Assert.Equal(0, t.EphemeralCount);
    }

    [Fact]
    public void Reapplying_is_harmless_for_fuzzy_snapshot_replay()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/a", [1], Open, 0, 1));
        long digest = t.Digest;
        Assert.Equal(ErrorCode.NodeExists, Apply(t, 1, new CreateTxn("/a", [1], Open, 0, 1)).Error);
        Assert.Equal(digest, t.Digest);
        Apply(t, 2, new DeleteTxn("/a"));
        Assert.Equal(ErrorCode.NoNode, Apply(t, 2, new DeleteTxn("/a")).Error);
        Assert.Equal(ErrorCode.NoNode, Apply(t, 3, new SetDataTxn("/a", null, 1)).Error);
        Assert.Equal(4, t.NodeCount);
    }

    [Fact]
    public void Apply_reports_watch_triggers_with_the_acl_that_filters_them()
    {
        var t = new DataTree();
        var triggers = new List<WatchTrigger>();
        Apply(t, 1, new CreateTxn("/a", null, Acl.ReadAclUnsafe, 0, 1), triggers: triggers);
        Apply(t, 2, new SetDataTxn("/a", [1], 1), triggers: triggers);
        Apply(t, 3, new DeleteTxn("/a"), triggers: triggers);
        Assert.Equal(
        [
            ("/a", EventType.NodeCreated, "world:anyone:1"), ("/", EventType.NodeChildrenChanged, "world:anyone:31"),
            ("/a", EventType.NodeDataChanged, "world:anyone:1"),
            ("/a", EventType.NodeDeleted, "world:anyone:1"), ("/", EventType.NodeChildrenChanged, "world:anyone:31"),
        ], triggers.Select(x => (x.Path, x.Type, string.Join(",", x.Acl))).ToList());
    }

    [Fact]
    public void CloseSession_deletes_all_ephemerals_under_one_zxid_and_forgets_the_session()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateSessionTxn(30000, new byte[16]), session: 9);
        Apply(t, 2, new CreateTxn("/x", null, Open, 9, 1), session: 9);
        Apply(t, 3, new CreateTxn("/y", null, Open, 9, 2), session: 9);
        Assert.True(t.Sessions.ContainsKey(9));
        var triggers = new List<WatchTrigger>();
        Apply(t, 4, new CloseSessionTxn(["/x"]), session: 9, triggers: triggers);
        Assert.Null(t.Find("/x"));
        Assert.Null(t.Find("/y"));
        Assert.False(t.Sessions.ContainsKey(9));
        Assert.Equal(4, t.GetStat(t.Root).Pzxid);
        Assert.Equal(4, triggers.Count);
    }

    [Fact]
    public void Failed_multi_applies_nothing_and_reports_each_error()
    {
        var t = new DataTree();
        var r = Apply(t, 1, new MultiTxn([new ErrorTxn(ErrorCode.Ok), new ErrorTxn(ErrorCode.NoNode), new ErrorTxn(ErrorCode.RuntimeInconsistency)]));
        Assert.Equal([ErrorCode.Ok, ErrorCode.NoNode, ErrorCode.RuntimeInconsistency], r.MultiResults!.Select(x => x.Error));
        Assert.Equal(1, t.LastProcessedZxid);
        Assert.Equal(4, t.NodeCount);
    }

    [Fact]
    public void Digest_is_deterministic_and_tracks_every_change()
    {
        var a = new DataTree();
        var b = new DataTree();
        Assert.Equal(a.Digest, b.Digest);
        foreach (var t in new[] { a, b })
        {
            Apply(t, 1, new CreateTxn("/a", [1], Open, 0, 1));
            Apply(t, 2, new CreateTxn("/a/b", [2], Open, 0, 1));
        }
        Assert.Equal(a.Digest, b.Digest);
        long before = a.Digest;
        Apply(a, 3, new SetDataTxn("/a/b", [3], 1));
        Assert.NotEqual(before, a.Digest);
        Apply(b, 3, new SetDataTxn("/a/b", [3], 1));
        Assert.Equal(a.Digest, b.Digest);
        Apply(a, 4, new DeleteTxn("/a/b"));
        Apply(b, 4, new DeleteTxn("/a/b"));
        Assert.Equal(a.Digest, b.Digest);
        // Creating and deleting the same node returns the parent's hash only if its counters are back too: they are not (pzxid moved).
        Apply(a, 5, new CreateTxn("/a/x", [], Open, 0, 2));
        Apply(a, 6, new DeleteTxn("/a/x"));
        Assert.NotEqual(b.Digest, a.Digest);
    }

    [Fact]
    public void Many_children_switch_to_the_hashed_set_and_stay_consistent()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/m", null, Open, 0, 1));
        long zxid = 2;
        for (int i = 0; i < 2000; i++) Apply(t, zxid++, new CreateTxn($"/m/c{i}", null, Open, 0, i + 1));
        for (int i = 0; i < 2000; i += 2) Assert.Equal(ErrorCode.Ok, Apply(t, zxid++, new DeleteTxn($"/m/c{i}")).Error);
        var m = t.Find("/m")!;
        Assert.Equal(1000, m.ChildCount);
        for (int i = 0; i < 2000; i++) Assert.Equal(i % 2 == 1, t.Find($"/m/c{i}") is not null);
        var names = t.GetChildren(m);
        Assert.Equal(1000, names.Distinct().Count());
        Assert.All(names, n => Assert.True(int.Parse(n[1..]) % 2 == 1));
        Assert.Equal(1000, t.CountDescendants(m));
        Assert.Equal(1004, t.CountDescendants(t.Root));
    }

    [Fact]
    public void Leaves_become_parents_in_place_keeping_their_stats_and_owner()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/m", null, Open, 0, 1));
        long zxid = 2;
        for (int i = 0; i < 40; i++) Apply(t, zxid++, new CreateContainerTxn($"/m/c{i}", [(byte)i], Open, i + 1));
        for (int i = 0; i < 40; i++)
        {
            var before = t.GetStat(t.Find($"/m/c{i}")!);
            Assert.Equal(ErrorCode.Ok, Apply(t, zxid++, new CreateTxn($"/m/c{i}/g", null, Open, 0, 1)).Error);
            var node = t.Find($"/m/c{i}")!;
            Assert.IsType<ZParentNode>(node);
            Assert.Equal(before with { Pzxid = zxid - 1, Cversion = 1, NumChildren = 1 }, t.GetStat(node));
            Assert.Equal(DataTree.ContainerOwner, t.RawOwner(node));
            Assert.Equal(new byte[] { (byte)i }, node.DataCopy()!);
        }
        Assert.Equal(40, t.Containers.Count);
        var copy = new MemoryStream();
        t.WriteSnapshot(copy);
        copy.Position = 0;
        var loaded = new DataTree();
        loaded.LoadSnapshot(copy);
        Assert.Equal(t.Digest, loaded.Digest);
        Assert.Equal(DataTree.ContainerOwner, loaded.RawOwner(loaded.Find("/m/c7")!));
    }

    [Fact]
    public void Long_names_use_the_wider_length_prefix()
    {
        var t = new DataTree();
        string mid = "/" + new string('m', 200);
        string huge = "/" + new string('h', 20_000);
        Apply(t, 1, new CreateTxn(mid, [1, 2], Open, 0, 1));
        Apply(t, 2, new CreateTxn(huge, [3], Open, 0, 2));
        Assert.Equal(new string('m', 200), t.Find(mid)!.Name);
        Assert.Equal([1, 2], t.Find(mid)!.DataCopy());
        Assert.Equal(20_000, t.Find(huge)!.NameBytes.Length);
        Assert.Equal([3], t.Find(huge)!.DataCopy());
    }

    [Theory]
    [InlineData("/a/")]
    [InlineData("/a//b")]
    [InlineData("a")]
    [InlineData("")]
    public void Find_rejects_malformed_paths(string path)
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/a", null, Open, 0, 1));
        Apply(t, 2, new CreateTxn("/a/b", null, Open, 0, 1));
        Assert.Null(t.Find(path));
    }

    [Fact]
    public void Unicode_names_round_trip()
    {
        var t = new DataTree();
        Apply(t, 1, new CreateTxn("/größe-日本", [], Open, 0, 1));
        Assert.NotNull(t.Find("/größe-日本"));
        Assert.Equal(["größe-日本", "zookeeper"], t.GetChildren(t.Root).Order(StringComparer.Ordinal));
    }
}
