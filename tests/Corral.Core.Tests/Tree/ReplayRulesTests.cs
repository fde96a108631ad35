using System.Buffers;
using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Tree;

/// <summary>
/// Each replay rule of DataTree.Replay in the smallest history that needs it: the snapshot starts
/// before the transactions and is written after all of them, so it already reflects every one, and
/// replay skips some of them after really applying others to the same parent.
/// </summary>
public class ReplayRulesTests
{
    private readonly DataTree _live = new();
    private readonly List<(TxnHeader Header, Txn Txn)> _log = [];
    private long _zxid;

    private void Commit(Txn txn, long session = 0)
    {
        var header = new TxnHeader(session, 0, ++_zxid, _zxid * 10, txn.Type);
        if (txn is CreateSessionTxn) header = header with { SessionId = _zxid };
        Assert.Equal(ErrorCode.Ok, _live.Apply(header, txn).Error);
        _log.Add((header, txn));
    }

    private void Create(string path, long owner = 0) =>
        Commit(new CreateTxn(path, [1], Acl.OpenAclUnsafe, owner, _live.Find(ZPath.Parent(path))!.ChildCreations + 1));

    /// <summary>Writes the snapshot started earlier in one go now, loads it and replays the log after its start.</summary>
    private DataTree Recover(FuzzySnapshotWriter writer)
    {
        var bytes = new ArrayBufferWriter<byte>();
        while (!writer.WriteSlice(bytes, 1000)) { }
        var recovered = new DataTree();
        recovered.LoadSnapshot(new MemoryStream(bytes.WrittenSpan.ToArray()));
        foreach (var (header, txn) in _log.Where(e => e.Header.Zxid > writer.StartZxid)) recovered.Replay(header, txn);
        Assert.Equal(_live.Digest, recovered.Digest);
        return recovered;
    }

    private void AssertSameStat(DataTree recovered, string path) =>
        Assert.Equal(_live.GetStat(_live.Find(path)!), recovered.GetStat(recovered.Find(path)!));

    [Fact]
    public void A_replayed_delete_that_finds_no_node_still_moves_the_parent_pzxid()
    {
        Create("/p");
        Create("/p/b");
        var writer = new FuzzySnapshotWriter(_live);
        Create("/p/a");               // replayed for real: pzxid 3
        Commit(new DeleteTxn("/p/a")); // replayed for real: pzxid 4
        Commit(new DeleteTxn("/p/b")); // the snapshot has no /p/b: skipped, pzxid must still become 5
        var recovered = Recover(writer);
        Assert.Equal(5, recovered.Find("/p")!.Pzxid);
        AssertSameStat(recovered, "/p");
    }

    [Fact]
    public void A_replayed_create_that_finds_its_node_still_raises_the_parent_cversion_and_pzxid()
    {
        Create("/p");
        var writer = new FuzzySnapshotWriter(_live);
        Create("/p/a");               // replayed for real: counter 1, pzxid 2
        Commit(new DeleteTxn("/p/a")); // replayed for real: pzxid 3
        Create("/p/b");               // already in the snapshot: skipped, counter must still become 2, pzxid 4
        var recovered = Recover(writer);
        var p = recovered.Find("/p")!;
        Assert.Equal((2, 4L), (p.ChildCreations, p.Pzxid));
        Assert.Equal(3, recovered.GetStat(p).Cversion);
        AssertSameStat(recovered, "/p");
    }

    [Fact]
    public void A_replayed_close_session_whose_ephemeral_the_snapshot_lost_still_moves_the_parent_pzxid()
    {
        Create("/p");
        Commit(new CreateSessionTxn(4000, [1]));
        long session = _zxid;
        Create("/p/e", session);
        var writer = new FuzzySnapshotWriter(_live);
        Create("/p/a");
        Commit(new DeleteTxn("/p/a"));
        Commit(new CloseSessionTxn(["/p/e"]), session);
        var recovered = Recover(writer);
        Assert.Equal(_zxid, recovered.Find("/p")!.Pzxid);
        AssertSameStat(recovered, "/p");
        Assert.Empty(recovered.GetEphemerals(session));
    }

    [Fact]
    public void Replay_leaves_a_later_incarnation_of_a_path_alone()
    {
        Create("/p");
        Create("/p/x");
        var writer = new FuzzySnapshotWriter(_live);
        Commit(new SetDataTxn("/p/x", [9, 9], 1)); // addressed the first /p/x
        Commit(new SetAclTxn("/p/x", Acl.ReadAclUnsafe, 1));
        Commit(new DeleteTxn("/p/x"));
        Create("/p/x");   // the snapshot holds this one, with a child, so its delete above cannot be replayed
        Create("/p/x/y");
        var recovered = Recover(writer);
        var x = recovered.Find("/p/x")!;
        Assert.Equal((0, 0), (x.Version, x.Aversion));
        Assert.Equal(new byte[] { 1 }, x.DataCopy());
        Assert.Equal(Acl.OpenAclUnsafe, recovered.GetAcl(x));
        AssertSameStat(recovered, "/p/x");
        AssertSameStat(recovered, "/p");
    }

    [Fact]
    public void Live_apply_changes_nothing_for_a_create_of_an_existing_node_or_a_delete_of_a_missing_one()
    {
        Create("/p");
        Create("/p/a");
        var before = _live.GetStat(_live.Find("/p")!);
        long digest = _live.Digest;
        var exists = _live.Apply(new TxnHeader(0, 0, 100, 1000, TxnType.Create), new CreateTxn("/p/a", [], Acl.OpenAclUnsafe, 0, 7));
        var missing = _live.Apply(new TxnHeader(0, 0, 101, 1010, TxnType.Delete), new DeleteTxn("/p/zz"));
        Assert.Equal((ErrorCode.NodeExists, ErrorCode.NoNode), (exists.Error, missing.Error));
        Assert.Equal(before, _live.GetStat(_live.Find("/p")!));
        Assert.Equal(1, _live.Find("/p")!.ChildCreations);
        Assert.Equal(digest, _live.Digest);
    }
}
