using System.Buffers;
using Corral.Core.Quotas;
using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Tree;

/// <summary>
/// Property: a fuzzy snapshot cut at random slice boundaries, with random writes between slices and
/// siblings written in a random order, loaded and replayed from its start zxid, equals the live tree
/// field for field (every stat counter incl. pzxid, cversion and the sequence counter; data; ACL;
/// owners; sessions; quota usage; digest). A small name space per parent makes creates over nodes the
/// snapshot already holds, deletes of nodes it already lost, and re-creates of deleted paths common:
/// exactly the transactions replay skips, which must still leave every parent counter right.
/// CORRAL_FUZZY_SEEDS sets the number of seeds (default 1000, 5-8 s; the incarnation rule first fails at seed 820).
/// </summary>
public class FuzzySnapshotReplayPropertyTests
{
    private const string QuotaTop = "/q";

    private static readonly IReadOnlyList<Acl>[] Acls =
    [
        Acl.OpenAclUnsafe,
        [new Acl(Perms.All, new Id("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="))],
        [new Acl(Perms.Read, new Id("world", "anyone"))],
        [new Acl(Perms.Read | Perms.Write, new Id("ip", "10.0.0.1"))],
    ];

    /// <summary>Random valid transactions (as the request preparer would produce them) applied live and logged.</summary>
    private sealed class Workload(DataTree tree, Random random)
    {
        public readonly List<(TxnHeader Header, Txn Txn)> Log = [];
        private readonly List<long> _sessions = [];
        private long _zxid;

        public void Setup()
        {
            Commit(0, new CreateTxn(QuotaTop, [], Acl.OpenAclUnsafe, 0, tree.Root.ChildCreations + 1));
            Commit(0, new CreateTxn(QuotaPaths.QuotaPath(QuotaTop), [], Acl.OpenAclUnsafe, 0, tree.Find(QuotaPaths.QuotaRoot)!.ChildCreations + 1));
            var q = tree.Find(QuotaPaths.QuotaPath(QuotaTop))!;
            Commit(0, new CreateTxn(QuotaPaths.LimitPath(QuotaTop), "count=1000,bytes=100000"u8.ToArray(), Acl.OpenAclUnsafe, 0, q.ChildCreations + 1));
            Commit(0, new CreateTxn(QuotaPaths.StatPath(QuotaTop), "count=0,bytes=0"u8.ToArray(), Acl.OpenAclUnsafe, 0, q.ChildCreations + 1));
        }

        public void Step()
        {
            var paths = UserPaths();
            string target = paths[random.Next(paths.Count)];
            var node = tree.Find(target)!;
            long session = 0;
            Txn? txn = random.Next(14) switch
            {
                0 => new CreateSessionTxn(4000, [1, 2, 3]),
                1 when _sessions.Count > 0 => new CloseSessionTxn([.. tree.GetEphemerals(session = _sessions[random.Next(_sessions.Count)]).Order(StringComparer.Ordinal)]),
                2 or 3 or 4 when target != "/" && target != QuotaTop && node.ChildCount == 0 =>
                    tree.RawOwner(node) == DataTree.ContainerOwner || DataTree.IsTtlOwner(tree.RawOwner(node)) && random.Next(2) == 0
                        ? new DeleteContainerTxn(target) : new DeleteTxn(target),
                5 when target != "/" => new SetDataTxn(target, RandomData(), node.Version + 1),
                6 when target != "/" => new SetAclTxn(target, Acls[random.Next(Acls.Length)], node.Aversion + 1),
                7 => Multi(target, node),
                8 => Sequential(target, node),
                _ => Create(NewChild(target), node, random.Next(4) == 0 && _sessions.Count > 0 ? _sessions[random.Next(_sessions.Count)] : 0),
            };
            if (txn is null) return;
            if (txn is CloseSessionTxn) Commit(session, txn);
            else Commit(0, txn);
            if (txn is CreateSessionTxn) _sessions.Add(_zxid);
            if (txn is CloseSessionTxn) _sessions.Remove(session);
        }

        private void Commit(long session, Txn? txn)
        {
            if (txn is null) return;
            var header = new TxnHeader(session, 0, ++_zxid, _zxid * 10, txn.Type);
            if (txn is CreateSessionTxn) header = header with { SessionId = _zxid };
            var result = tree.Apply(header, txn);
            Assert.Equal(ErrorCode.Ok, result.Error); // the workload only logs what the preparer would accept
            if (result.MultiResults is { } sub) Assert.All(sub, r => Assert.Equal(ErrorCode.Ok, r.Error));
            Log.Add((header, txn));
        }

        private byte[] RandomData() => [.. Enumerable.Range(0, random.Next(4)).Select(_ => (byte)random.Next(256))];

        /// <summary>A child name from a tiny space, so paths are deleted and created again often.</summary>
        private string? NewChild(string parent)
        {
            string path = ZPath.Join(parent, $"c{random.Next(3)}");
            return tree.Find(path) is null && parent.Count(ch => ch == '/') < 4 ? path : null;
        }

        private Txn? Create(string? path, ZNode parent, long session)
        {
            if (path is null || tree.RawOwner(parent) is not 0 and not DataTree.ContainerOwner && !DataTree.IsTtlOwner(tree.RawOwner(parent)))
                return null; // no children under ephemerals
            int next = parent.ChildCreations + 1;
            var acl = Acls[random.Next(Acls.Length)];
            return (session, random.Next(8)) switch
            {
                (not 0, _) => new CreateTxn(path, RandomData(), acl, session, next),
                (_, 0) => new CreateContainerTxn(path, RandomData(), acl, next),
                (_, 1) => new CreateTtlTxn(path, RandomData(), acl, 1 + random.Next(100000), next),
                _ => new CreateTxn(path, RandomData(), acl, 0, next),
            };
        }

        /// <summary>A sequential create: the name carries the parent's sequence counter.</summary>
        private Txn? Sequential(string parent, ZNode node) =>
            parent.Count(ch => ch == '/') < 4 ? Create(ZPath.Join(parent, $"s{node.ChildCreations:D10}"), node, 0) : null;

        /// <summary>create X under the target, create and delete a child of X, set X's data, and delete a leaf sibling.</summary>
        private Txn? Multi(string target, ZNode node)
        {
            if (NewChild(target) is not { } x || Create(x, node, 0) is not CreateTxn create) return null;
            var ops = new List<Txn>
            {
                create,
                new CreateTxn(x + "/m", [7], Acl.OpenAclUnsafe, 0, 1),
                new DeleteTxn(x + "/m"),
                new SetDataTxn(x, [8], 1),
            };
            foreach (var sibling in tree.GetChildren(node))
            {
                string path = ZPath.Join(target, sibling);
                if (path != QuotaTop && tree.Find(path) is { ChildCount: 0 } && random.Next(2) == 0)
                {
                    ops.Add(new DeleteTxn(path));
                    break;
                }
            }
            return new MultiTxn(ops);
        }

        private List<string> UserPaths()
        {
            var list = new List<string>();
            var stack = new Stack<string>();
            stack.Push("/");
            while (stack.TryPop(out var path))
            {
                if (!path.StartsWith("/zookeeper", StringComparison.Ordinal)) list.Add(path);
                foreach (var c in tree.GetChildren(tree.Find(path)!)) stack.Push(ZPath.Join(path, c));
            }
            return list;
        }
    }

    private static void Shuffle(Random random, ZNode[] nodes)
    {
        for (int i = nodes.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (nodes[i], nodes[j]) = (nodes[j], nodes[i]);
        }
    }

    /// <summary>Every node, every stored field, and every index the tree keeps beside the nodes.</summary>
    private static void AssertIdentical(DataTree live, DataTree recovered, int seed)
    {
        var stack = new Stack<string>();
        stack.Push("/");
        while (stack.TryPop(out var path))
        {
            var a = live.Find(path)!;
            var b = recovered.Find(path) ?? throw new Xunit.Sdk.XunitException($"seed {seed}: {path} missing after recovery");
            string where = $"seed {seed}, {path}";
            Assert.True(live.GetStat(a) == recovered.GetStat(b), $"{where}: stat {live.GetStat(a)} recovered as {recovered.GetStat(b)}");
            Assert.True(a.ChildCreations == b.ChildCreations, $"{where}: sequence counter {a.ChildCreations} recovered as {b.ChildCreations}");
            Assert.True(live.RawOwner(a) == recovered.RawOwner(b), $"{where}: owner {live.RawOwner(a)} recovered as {recovered.RawOwner(b)}");
            Assert.True(a.DataIsNull == b.DataIsNull && a.Data.SequenceEqual(b.Data), $"{where}: data differs");
            Assert.True(live.GetAcl(a).SequenceEqual(recovered.GetAcl(b)), $"{where}: ACL differs");
            var children = live.GetChildren(a).Order(StringComparer.Ordinal).ToList();
            Assert.True(children.SequenceEqual(recovered.GetChildren(b).Order(StringComparer.Ordinal)), $"{where}: children differ");
            foreach (var child in children) stack.Push(ZPath.Join(path, child));
        }
        Assert.Equal(live.NodeCount, recovered.NodeCount);
        Assert.Equal(live.ApproximateDataSize, recovered.ApproximateDataSize);
        Assert.Equal(live.LastProcessedZxid, recovered.LastProcessedZxid);
        Assert.Equal(live.Sessions.Keys.Order(), recovered.Sessions.Keys.Order());
        foreach (var id in live.SessionsWithEphemerals.Concat(recovered.SessionsWithEphemerals).Distinct())
            Assert.Equal(live.GetEphemerals(id).Order(StringComparer.Ordinal), recovered.GetEphemerals(id).Order(StringComparer.Ordinal));
        Assert.Equal(live.Containers.Order(StringComparer.Ordinal), recovered.Containers.Order(StringComparer.Ordinal));
        Assert.Equal(live.TtlNodes.Order(StringComparer.Ordinal), recovered.TtlNodes.Order(StringComparer.Ordinal));
        Assert.Equal(live.QuotaRoots.Order(StringComparer.Ordinal), recovered.QuotaRoots.Order(StringComparer.Ordinal));
        Assert.True(live.Digest == recovered.Digest, $"seed {seed}: digest differs");
    }

    /// <summary>One run: a warm-up, a snapshot cut into random slices with random writes between them, a tail, recovery.</summary>
    private static void RunSeed(int seed)
    {
        var random = new Random(seed);
        var live = new DataTree();
        var work = new Workload(live, random);
        work.Setup();
        for (int i = random.Next(20, 120); i > 0; i--) work.Step();

        var writer = new FuzzySnapshotWriter(live) { ReorderChildren = nodes => Shuffle(random, nodes) };
        var bytes = new ArrayBufferWriter<byte>();
        int burst = random.Next(1, 12);
        while (!writer.WriteSlice(bytes, random.Next(1, 4)))
            for (int i = random.Next(burst); i > 0; i--) work.Step();
        for (int i = random.Next(30); i > 0; i--) work.Step();

        var recovered = new DataTree();
        recovered.LoadSnapshot(new MemoryStream(bytes.WrittenSpan.ToArray()));
        Assert.Equal(writer.StartZxid, recovered.LastProcessedZxid);
        foreach (var (header, txn) in work.Log.Where(e => e.Header.Zxid > writer.StartZxid)) recovered.Replay(header, txn);
        AssertIdentical(live, recovered, seed);
    }

    [Fact]
    public void Recovery_from_a_fuzzy_snapshot_equals_the_live_tree_for_every_field()
    {
        int seeds = int.TryParse(Environment.GetEnvironmentVariable("CORRAL_FUZZY_SEEDS"), out int n) ? n : 1000;
        for (int seed = 1; seed <= seeds; seed++) RunSeed(seed);
    }
}
