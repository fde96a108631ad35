using System.Buffers;
using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Tree;

/// <summary>
/// A fuzzy snapshot written a few nodes at a time while random transactions change the tree between
/// slices, then loaded and replayed from its start zxid, must give exactly the live tree.
/// </summary>
public class FuzzySnapshotWriterTests
{
    private static readonly IReadOnlyList<Acl>[] Acls =
    [
        Acl.OpenAclUnsafe,
        Acl.ReadAclUnsafe,
        [new Acl(Perms.All, new Id("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="))],
    ];

    /// <summary>Random valid transactions against the live tree, recorded for replay.</summary>
    private sealed class Workload(DataTree tree, Random random)
    {
        public readonly List<(TxnHeader Header, Txn Txn)> Log = [];
        private readonly List<long> _sessions = [];
        private long _zxid;

        public void Step()
        {
            var paths = AllPaths().Where(p => !DataTree.IsBuiltIn(p) || p == "/").ToList();
            string target = paths[random.Next(paths.Count)];
            var node = tree.Find(target)!;
            long session = 0;
            Txn txn = random.Next(9) switch
            {
                0 => new CreateSessionTxn(4000, [1, 2, 3]),
                1 when _sessions.Count > 0 => new CloseSessionTxn([.. tree.GetEphemerals(session = _sessions[random.Next(_sessions.Count)])]),
                2 or 3 when target != "/" && node.ChildCount == 0 => new DeleteTxn(target),
                4 when target != "/" => new SetDataTxn(target, [(byte)random.Next(256)], node.Version + 1),
                5 when target != "/" => new SetAclTxn(target, Acls[random.Next(Acls.Length)], node.Aversion + 1),
                6 when target != "/" && CreateUnder(target, node, 0) is { } sub => new MultiTxn([new SetDataTxn(target, [9], node.Version + 1), sub]),
                _ => CreateUnder(target, node, _sessions.Count > 0 && random.Next(4) == 0 ? _sessions[random.Next(_sessions.Count)] : 0)
                     ?? new SetDataTxn(target, [1], node.Version + 1),
            };
            if (txn is SetDataTxn { Path: "/" }) return;
            var header = new TxnHeader(session, 0, ++_zxid, _zxid * 10, txn.Type);
            if (txn is CreateSessionTxn) header = header with { SessionId = _zxid };
            tree.Apply(header, txn);
            if (txn is CreateSessionTxn) _sessions.Add(_zxid);
            if (txn is CloseSessionTxn) _sessions.Remove(session);
            Log.Add((header, txn));
        }

        private Txn? CreateUnder(string parent, ZNode node, long owner)
        {
            if (tree.RawOwner(node) != 0) return null; // no children under ephemerals
            string path = ZPath.Join(parent, $"c{random.Next(4)}");
            if (tree.Find(path) is not null) return null;
            return new CreateTxn(path, [(byte)random.Next(256)], Acls[random.Next(Acls.Length)], owner, node.ChildCreations + 1);
        }

        private IEnumerable<string> AllPaths()
        {
            var stack = new Stack<string>();
            stack.Push("/");
            while (stack.TryPop(out var path))
            {
                yield return path;
                foreach (var c in tree.GetChildren(tree.Find(path)!)) stack.Push(ZPath.Join(path, c));
            }
        }
    }

    private static void AssertSameTree(DataTree expected, DataTree actual)
    {
        Assert.Equal(expected.NodeCount, actual.NodeCount);
        Assert.Equal(expected.LastProcessedZxid, actual.LastProcessedZxid);
        Assert.Equal(expected.ApproximateDataSize, actual.ApproximateDataSize);
        Assert.Equal(expected.Sessions.Keys.Order(), actual.Sessions.Keys.Order());
        var stack = new Stack<string>();
        stack.Push("/");
        while (stack.TryPop(out var path))
        {
            var a = expected.Find(path)!;
            var b = actual.Find(path) ?? throw new Xunit.Sdk.XunitException($"{path} missing after recovery");
            Assert.Equal(expected.GetStat(a), actual.GetStat(b));
            Assert.Equal(a.DataCopy(), b.DataCopy());
            Assert.Equal(expected.GetAcl(a), actual.GetAcl(b));
            foreach (var child in expected.GetChildren(a)) stack.Push(ZPath.Join(path, child));
        }
        Assert.Equal(expected.Digest, actual.Digest);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Snapshot_taken_while_the_tree_changes_recovers_to_the_live_tree(int seed)
    {
        var random = new Random(seed);
        var live = new DataTree();
        var work = new Workload(live, random);
        for (int i = 0; i < 400; i++) work.Step();

        var writer = new FuzzySnapshotWriter(live);
        var bytes = new ArrayBufferWriter<byte>();
        while (!writer.WriteSlice(bytes, random.Next(1, 4)))
            for (int i = random.Next(6); i > 0; i--) work.Step();
        for (int i = 0; i < 50; i++) work.Step();
        Assert.True(writer.StartZxid > 0);

        var recovered = new DataTree();
        recovered.LoadSnapshot(new MemoryStream(bytes.WrittenSpan.ToArray()));
        Assert.Equal(writer.StartZxid, recovered.LastProcessedZxid);
        foreach (var (header, txn) in work.Log.Where(e => e.Header.Zxid > writer.StartZxid)) recovered.Replay(header, txn);
        AssertSameTree(live, recovered);
    }

    [Fact]
    public void Snapshot_of_a_quiet_tree_is_exact_without_replay_and_its_digest_is_checked()
    {
        var live = new DataTree();
        var work = new Workload(live, new Random(9));
        for (int i = 0; i < 200; i++) work.Step();
        var bytes = new ArrayBufferWriter<byte>();
        var writer = new FuzzySnapshotWriter(live);
        while (!writer.WriteSlice(bytes, 10)) { }
        Assert.Equal(live.NodeCount, writer.NodesWritten);

        var copy = new DataTree();
        copy.LoadSnapshot(new MemoryStream(bytes.WrittenSpan.ToArray()));
        AssertSameTree(live, copy);

        var damaged = bytes.WrittenSpan.ToArray();
        damaged[^20] ^= 0x01; // inside the last node record: its hash no longer matches the trailing digest
        Assert.Throws<InvalidDataException>(() => new DataTree().LoadSnapshot(new MemoryStream(damaged)));
    }
}
