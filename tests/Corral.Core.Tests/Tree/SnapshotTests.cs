using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Tree;

public class SnapshotTests
{
    private static void Apply(DataTree t, long zxid, Txn txn, long session = 7) =>
        t.Apply(new TxnHeader(session, 1, zxid, zxid * 10, txn.Type), txn);

    private static DataTree Sample()
    {
        var t = new DataTree();
        var digestAcl = new[] { new Acl(Perms.All, new Id("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")) };
        Apply(t, 1, new CreateSessionTxn(12000, Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()));
        Apply(t, 2, new CreateTxn("/app", [1, 2, 3], Acl.OpenAclUnsafe, 0, 1));
        Apply(t, 3, new CreateTxn("/app/eph", null, digestAcl, 7, 1));
        Apply(t, 4, new CreateContainerTxn("/box", [], Acl.OpenAclUnsafe, 2));
        Apply(t, 5, new CreateTtlTxn("/ttl", [5], Acl.ReadAclUnsafe, 9999, 3));
        Apply(t, 6, new SetDataTxn("/app", [4], 1));
        Apply(t, 7, new SetAclTxn("/app", digestAcl, 1));
        return t;
    }

    private static DataTree RoundTrip(DataTree t)
    {
        var ms = new MemoryStream();
        t.WriteSnapshot(ms);
        ms.Position = 0;
        var copy = new DataTree();
        copy.LoadSnapshot(ms);
        return copy;
    }

    [Fact]
    public void Round_trip_preserves_nodes_stats_acls_sessions_owners_and_digest()
    {
        var t = Sample();
        var copy = RoundTrip(t);
        Assert.Equal(t.Digest, copy.Digest);
        Assert.Equal(7, copy.LastProcessedZxid);
        Assert.Equal(t.NodeCount, copy.NodeCount);
        Assert.Equal(t.ApproximateDataSize, copy.ApproximateDataSize);
        Assert.Equal(1 + 10 + 16 + 17 + "/app".Length + 1 + "/app/eph".Length + "/box".Length + "/ttl".Length + 1, t.ApproximateDataSize);
        foreach (var path in new[] { "/", "/zookeeper", "/zookeeper/config", "/zookeeper/quota", "/app", "/app/eph", "/box", "/ttl" })
        {
            var a = t.Find(path)!;
            var b = copy.Find(path)!;
            Assert.Equal(t.GetStat(a), copy.GetStat(b));
            Assert.Equal(t.GetAcl(a), copy.GetAcl(b));
            Assert.Equal(a.DataCopy(), b.DataCopy());
            Assert.Equal(t.RawOwner(a), copy.RawOwner(b));
        }
        Assert.Null(copy.Find("/app/eph")!.DataCopy());
        Assert.Equal(["/app/eph"], copy.GetEphemerals(7));
        Assert.Equal(["/box"], copy.Containers);
        Assert.Equal(["/ttl"], copy.TtlNodes);
        Assert.Equal(12000, copy.Sessions[7].TimeoutMs);
        Assert.Equal(t.Sessions[7].Password, copy.Sessions[7].Password);
        // The copy keeps working: the same transaction moves both to the same digest.
        Apply(t, 8, new DeleteTxn("/app/eph"));
        Apply(copy, 8, new DeleteTxn("/app/eph"));
        Assert.Equal(t.Digest, copy.Digest);
    }

    [Fact]
    public void Corrupt_snapshots_are_rejected()
    {
        var ms = new MemoryStream();
        Sample().WriteSnapshot(ms);
        var bytes = ms.ToArray();

        var flipped = (byte[])bytes.Clone();
        flipped[^10] ^= 0x40; // inside the last node record
        Assert.Throws<InvalidDataException>(() => new DataTree().LoadSnapshot(new MemoryStream(flipped)));

        var badMagic = (byte[])bytes.Clone();
        badMagic[0] = 0;
        Assert.Throws<InvalidDataException>(() => new DataTree().LoadSnapshot(new MemoryStream(badMagic)));

        Assert.Throws<EndOfStreamException>(() => new DataTree().LoadSnapshot(new MemoryStream(bytes[..(bytes.Length / 2)])));
    }
}
