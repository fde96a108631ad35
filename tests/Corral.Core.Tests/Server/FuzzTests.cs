using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

/// <summary>
/// Seeded random traffic. The default tier is small enough for every run; set CORRAL_FUZZ_ROUNDS
/// (e.g. 200000) for a long soak. A failure message names the seed that replays it.
/// </summary>
public class FuzzTests
{
    private static int Rounds(int normal) =>
        int.TryParse(Environment.GetEnvironmentVariable("CORRAL_FUZZ_ROUNDS"), out var n) ? n : normal;

    private static readonly OpCode[] Ops = Enum.GetValues<OpCode>();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Garbage_frames_never_throw_and_every_reply_is_well_formed(int seed)
    {
        var rng = new Random(seed);
        var h = new Harness();
        var c = h.Connect();
        c.Create("/f");
        var all = new List<TestClient> { c };
        for (int round = 0; round < Rounds(3000); round++)
        {
            if (c.Closed) all.Add(c = h.Connect());
            var op = rng.Next(10) == 0 ? (OpCode)rng.Next(-20, 120) : Ops[rng.Next(Ops.Length)];
            var body = new byte[rng.Next(0, 40)];
            rng.NextBytes(body);
            // Sometimes a plausible prefix: a short string length and a path.
            if (body.Length > 8 && rng.Next(2) == 0)
            {
                body[0] = body[1] = body[2] = 0;
                body[3] = (byte)Math.Min(body.Length - 4, 3);
                body[4] = (byte)'/';
            }
            var frame = TestClient.EncodeRequest(rng.Next(1, 1000), op, null).Concat(body).ToArray();
            try
            {
                c.SendRaw(frame);
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed} round {round}: {op} with body {Convert.ToHexString(body)} threw {e}");
            }
        }
        // After each ConnectResponse, every frame is a reply header carrying a defined error code.
        var codes = new HashSet<ErrorCode>();
        foreach (var client in all)
            foreach (var payload in client.Sink.Frames.Skip(1))
            {
                Assert.True(payload.Length >= ReplyHeader.EncodedSize);
                var r = new JuteReader(payload);
                var header = ReplyHeader.Read(ref r);
                Assert.True(Enum.IsDefined(header.Err), $"seed {seed}: undefined error code {(int)header.Err}");
                codes.Add(header.Err);
            }
        Assert.Contains(ErrorCode.MarshallingError, codes);
        Assert.Contains(ErrorCode.Unimplemented, codes);
        Assert.True(all.Count > 1, "no request ever closed a connection");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Random_workload_keeps_fifo_replies_and_replays_to_the_same_digest(int seed)
    {
        var rng = new Random(seed);
        var committer = new DeferredCommitter();
        var h = new Harness(committer: committer);
        var clients = new List<(TestClient Client, Queue<int> Expected)>();
        for (int i = 0; i < 3; i++)
        {
            var c = new TestClient(h.Core);
            c.SendRaw(TestClient.EncodeRecord(new ConnectRequest(0, 0, 30000, 0, new byte[16])));
            clients.Add((c, new Queue<int>()));
        }
        h.Core.OnCommitted(committer.Proposed.Last().Zxid);
        foreach (var (c, _) in clients) Assert.Equal(37, c.Sink.Frames[0].Length);

        string[] paths = ["/a", "/b", "/a/x", "/a/y", "/b/z", "/a/x/q"];
        int committedIndex = 0;
        var seen = clients.Select(_ => 1).ToList();
        for (int round = 0; round < Rounds(2000); round++)
        {
            int who = rng.Next(clients.Count);
            var (c, expected) = clients[who];
            string path = paths[rng.Next(paths.Length)];
            int xid = rng.Next(12) switch
            {
                0 or 1 => c.Send(OpCode.Create, new CreateRequest(path, [1], Acl.OpenAclUnsafe, rng.Next(4))),
                2 => c.Send(OpCode.Delete, new DeleteRequest(path, rng.Next(-1, 2))),
                3 => c.Send(OpCode.SetData, new SetDataRequest(path, [(byte)round], rng.Next(-1, 3))),
                4 => c.Send(OpCode.GetData, new GetDataRequest(path, rng.Next(2) == 0)),
                5 => c.Send(OpCode.GetChildren2, new GetChildren2Request(path, rng.Next(2) == 0)),
                6 => c.Send(OpCode.Exists, new ExistsRequest(path, true)),
                7 => c.Send(OpCode.Sync, new SyncRequest(path)),
                8 => c.Send(OpCode.Multi, new MultiRequest(
                [
                    MultiOp.Create(new CreateRequest(path, null, Acl.OpenAclUnsafe, CreateMode.Persistent)),
                    MultiOp.SetData(new SetDataRequest(paths[rng.Next(paths.Length)], null, -1)),
                ])),
                9 => c.Send(OpCode.AddWatch, new AddWatchRequest(path, (AddWatchMode)rng.Next(2))),
                _ => c.Send(OpCode.Ping, null),
            };
            expected.Enqueue(xid);
            if (rng.Next(4) == 0 && committer.Proposed.Count > committedIndex)
            {
                committedIndex = rng.Next(committedIndex, committer.Proposed.Count) + 1;
                h.Core.OnCommitted(committer.Proposed[committedIndex - 1].Zxid);
            }
        }
        h.Core.OnCommitted(committer.Proposed.Last().Zxid);
        Assert.Equal(0, h.Core.PendingTransactionCount);

        for (int i = 0; i < clients.Count; i++)
        {
            var (c, expected) = clients[i];
            Assert.False(c.Closed);
            long lastZxid = 0;
            foreach (var payload in c.Sink.Frames.Skip(1))
            {
                var r = new JuteReader(payload);
                var header = ReplyHeader.Read(ref r);
                if (header.Xid == Xids.Notification)
                {
                    Assert.True(header.Zxid >= lastZxid, $"seed {seed}: notification zxid went backwards");
                    lastZxid = header.Zxid;
                    continue;
                }
                Assert.Equal(expected.Dequeue(), header.Xid);
                Assert.True(header.Zxid >= lastZxid, $"seed {seed}: reply zxid went backwards on client {i}");
                lastZxid = header.Zxid;
            }
            Assert.Empty(expected);
        }

        var replica = new Harness();
        foreach (var (_, bytes) in committer.Proposed) replica.Core.ApplyCommitted(bytes);
        Assert.Equal(h.Core.Tree.Digest, replica.Core.Tree.Digest);
        Assert.Equal(h.Core.LastProcessedZxid, replica.Core.LastProcessedZxid);
        var snap = new MemoryStream();
        h.Core.WriteSnapshot(snap);
        snap.Position = 0;
        var restored = new Harness();
        restored.Core.LoadSnapshot(snap);
        Assert.Equal(h.Core.Tree.Digest, restored.Core.Tree.Digest);
        Assert.All(committer.Proposed, p => Assert.Equal(p.Zxid, TxnCodec.Deserialize(p.Txn).Header.Zxid));
    }
}
