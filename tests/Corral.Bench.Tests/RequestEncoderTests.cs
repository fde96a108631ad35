using Corral.Bench;
using Corral.Protocol;

namespace Corral.Bench.Tests;

/// <summary>The hand-written request encoders must produce exactly what the protocol records produce.</summary>
public class RequestEncoderTests
{
    private static byte[] Encode(Action<FrameWriter> write)
    {
        using var frames = new FrameWriter();
        write(frames);
        return frames.WrittenSpan.ToArray();
    }

    private static byte[] Record<T>(int xid, OpCode op, T body) where T : IJuteRecord =>
        Encode(f => f.WriteFrame(new RequestHeader(xid, op), body));

    [Fact]
    public void Requests_match_the_protocol_records_byte_for_byte()
    {
        var data = new byte[40];
        Payload.Fill(data, 5, 6);
        Assert.Equal(Record(7, OpCode.GetData, new GetDataRequest("/a/b", true)),
            Encode(f => RequestEncoder.GetData(f, 7, "/a/b"u8, true)));
        Assert.Equal(Record(7, OpCode.SetData, new SetDataRequest("/a", data, -1)),
            Encode(f => RequestEncoder.SetData(f, 7, "/a"u8, data)));
        Assert.Equal(Record(7, OpCode.Create, new CreateRequest("/a", data, Acl.OpenAclUnsafe, CreateMode.EphemeralSequential)),
            Encode(f => RequestEncoder.Create(f, 7, "/a"u8, data, CreateMode.EphemeralSequential)));
        Assert.Equal(Record(7, OpCode.Delete, new DeleteRequest("/a", -1)),
            Encode(f => RequestEncoder.Delete(f, 7, "/a"u8)));
        Assert.Equal(Record(7, OpCode.GetChildren, new GetChildrenRequest("/a", false)),
            Encode(f => RequestEncoder.GetChildren(f, 7, "/a"u8)));
        Assert.Equal(Record(7, OpCode.AddWatch, new AddWatchRequest("/a", AddWatchMode.PersistentRecursive)),
            Encode(f => RequestEncoder.AddWatch(f, 7, "/a"u8, AddWatchMode.PersistentRecursive)));
    }

    [Fact]
    public void The_multi_matches_a_MultiRequest_of_create_set_delete()
    {
        var data = new byte[20];
        var multi = new MultiRequest([
            MultiOp.Create(new CreateRequest("/m/x", data, Acl.OpenAclUnsafe, CreateMode.Persistent)),
            MultiOp.SetData(new SetDataRequest("/k", data, -1)),
            MultiOp.Delete(new DeleteRequest("/m/x", -1)),
        ]);
        Assert.Equal(Record(9, OpCode.Multi, multi),
            Encode(f => RequestEncoder.CreateSetDeleteMulti(f, 9, "/m/x"u8, "/k"u8, data)));
    }

    [Fact]
    public void Close_session_is_a_bare_header()
    {
        Assert.Equal(new byte[] { 0, 0, 0, 8, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xF5 },
            Encode(f => RequestEncoder.CloseSession(f, 3)));
    }
}
