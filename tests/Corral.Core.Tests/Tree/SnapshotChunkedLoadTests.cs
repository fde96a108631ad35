using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Tree;

/// <summary>
/// The snapshot loader parses records out of 4 MB chunks and remembers the last parent: a snapshot
/// several chunks long, read through a stream that returns a few bytes at a time (so records and
/// even length prefixes straddle every chunk end), with non-ASCII names, parents revisited after a
/// subtree, ephemerals and several ACLs, must load into exactly the written tree.
/// </summary>
public class SnapshotChunkedLoadTests
{
    /// <summary>Returns at most a random small number of bytes per read, like a slow pipe.</summary>
    private sealed class TrickleStream(byte[] bytes, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private int _position;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, _random.Next(1, 70_000)), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
            _position += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Snapshot_of_several_chunks_read_a_few_bytes_at_a_time_loads_exactly()
    {
        var t = new DataTree();
        long zxid = 0;
        void Apply(Txn txn, long session = 0) => t.Apply(new TxnHeader(session, 1, ++zxid, zxid * 10, txn.Type), txn);
        var acls = new IReadOnlyList<Acl>[] { Acl.OpenAclUnsafe, Acl.ReadAclUnsafe, [new Acl(Perms.All, new Id("digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="))] };
        const long session = 77;
        Apply(new CreateSessionTxn(5000, [1, 2, 3]), session);
        var data = new byte[700];
        var paths = new List<string>();
        for (int p = 0; p < 12; p++)
        {
            string parent = $"/pärent-{p}-ü";
            Apply(new CreateTxn(parent, [(byte)p], acls[p % 3], 0, 1));
            paths.Add(parent);
            for (int i = 0; i < 1500; i++)
            {
                data[0] = (byte)i;
                string path = $"{parent}/日本-{i}";
                Apply(new CreateTxn(path, data, acls[i % 3], i % 50 == 0 ? session : 0, t.Find(parent)!.ChildCreations + 1));
                paths.Add(path);
                // A subtree under some children, so the walk leaves a parent and comes back to it.
                if (i % 500 == 0 && i % 50 != 0)
                {
                    Apply(new CreateTxn($"{path}/deep", [7], acls[0], 0, 1));
                    paths.Add($"{path}/deep");
                }
            }
        }
        var ms = new MemoryStream();
        t.WriteSnapshot(ms);
        Assert.True(ms.Length > 3 * (4 << 20), $"the snapshot is only {ms.Length} bytes: it must span several chunks");

        for (int seed = 1; seed <= 2; seed++)
        {
            var copy = new DataTree();
            copy.LoadSnapshot(new TrickleStream(ms.ToArray(), seed));
            Assert.Equal(t.Digest, copy.Digest);
            Assert.Equal(t.NodeCount, copy.NodeCount);
            Assert.Equal(t.ApproximateDataSize, copy.ApproximateDataSize);
            Assert.Equal(t.GetEphemerals(session).Order(), copy.GetEphemerals(session).Order());
            foreach (var path in paths)
            {
                var a = t.Find(path)!;
                var b = copy.Find(path) ?? throw new Xunit.Sdk.XunitException($"{path} missing after loading");
                Assert.Equal(t.GetStat(a), copy.GetStat(b));
                Assert.Equal(t.GetAcl(a), copy.GetAcl(b));
                Assert.Equal(a.DataCopy(), b.DataCopy());
            }
        }
    }

    [Fact]
    public void Snapshot_cut_in_the_middle_of_a_record_is_refused()
    {
        var t = new DataTree();
        var create = new CreateTxn("/a", new byte[100], Acl.OpenAclUnsafe, 0, 1);
        t.Apply(new TxnHeader(0, 1, 1, 10, create.Type), create);
        var ms = new MemoryStream();
        t.WriteSnapshot(ms);
        var cut = ms.ToArray()[..^30];
        Assert.Throws<EndOfStreamException>(() => new DataTree().LoadSnapshot(new MemoryStream(cut)));
    }
}
