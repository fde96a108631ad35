using System.Buffers;
using Corral.Core.Server;
using Corral.Protocol;
using Xunit.Abstractions;

namespace Corral.Bench.Tests;

/// <summary>
/// Allocation budgets for the server's request path, measured without sockets: one request payload
/// into <see cref="CoreConnection.Receive"/> (decode, ACL check, data tree; for writes prepare, an
/// in-memory commit, apply, watch triggering) with the reply going to a sink that checks it.
/// GC.GetAllocatedBytesForCurrentThread counts exactly what this thread allocated, and the core runs
/// synchronously on the caller's thread, so the figures are deterministic, not timing. A failing
/// budget means a change added allocations to a hot path: find them (RequestPathBenchmarks in
/// bench/Corral.MicroBench shows the same per-op figure) before raising a number.
/// </summary>
public class RequestPathAllocationTests
{
    private sealed class CheckingSink : IConnectionSink
    {
        public int Frames;
        public int LastLength;
        public ErrorCode LastError;
        /// <summary>The last frame, copied into a buffer allocated once (copying must not allocate).</summary>
        public readonly byte[] Last = new byte[8192];

        public void Send(ReadOnlySpan<byte> frame)
        {
            Frames++;
            LastLength = frame.Length;
            frame.CopyTo(Last);
            var r = new JuteReader(frame[4..]);
            LastError = ReplyHeader.Read(ref r).Err;
        }

        public void Close() { }
    }

    private const int Rounds = 200;
    private const string Key = "/bench/k0000500";
    private readonly ITestOutputHelper _output;
    private readonly CheckingSink _sink = new();
    private readonly CoreConnection _connection;
    private readonly byte[] _value = new byte[1024];

    public RequestPathAllocationTests(ITestOutputHelper output)
    {
        _output = output;
        var core = new ServerCore(new CoreOptions(), TimeProvider.System, InMemoryCommitter.Instance);
        _connection = core.Open(_sink, "127.0.0.1");
        _connection.Receive(Payload((ref JuteWriter w) => new ConnectRequest(0, 0, 30_000, 0, new byte[16]).Write(ref w)));
        _connection.Receive(Request(1, OpCode.Create, new CreateRequest("/bench", [], Acl.OpenAclUnsafe, CreateMode.Persistent)));
        for (int i = 0; i < 1000; i++)
            _connection.Receive(Request(2, OpCode.Create, new CreateRequest($"/bench/k{i:D7}", _value, Acl.OpenAclUnsafe, CreateMode.Persistent)));
        Assert.Equal(ErrorCode.Ok, _sink.LastError);
    }

    private delegate void Body(ref JuteWriter w);

    private static byte[] Payload(Body body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new JuteWriter(buffer);
        body(ref w);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Request<T>(int xid, OpCode op, T record) where T : IJuteRecord =>
        Payload((ref JuteWriter w) =>
        {
            new RequestHeader(xid, op).Write(ref w);
            record.Write(ref w);
        });

    /// <summary>Bytes allocated per request, after warm-up; every reply must be Ok and of the expected size.</summary>
    private long PerRequest(byte[] request, int replyLength)
    {
        for (int i = 0; i < 20; i++) _connection.Receive(request);
        int frames = _sink.Frames;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++) _connection.Receive(request);
        long perRequest = (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
        Assert.Equal(frames + Rounds, _sink.Frames);
        Assert.Equal(ErrorCode.Ok, _sink.LastError);
        Assert.Equal(replyLength, _sink.LastLength);
        _output.WriteLine($"{perRequest} bytes per request");
        return perRequest;
    }

    private const int ReplyFrame = 4 + ReplyHeader.EncodedSize;

    private T LastReplyBody<T>(JuteRead<T> read)
    {
        var r = new JuteReader(_sink.Last.AsSpan(4 + ReplyHeader.EncodedSize, _sink.LastLength - 4 - ReplyHeader.EncodedSize));
        var body = read(ref r);
        Assert.Equal(0, r.Remaining);
        return body;
    }

    private delegate T JuteRead<T>(ref JuteReader r);

    /// <summary>
    /// Was 1,368 bytes: the 1 KB value was copied out of the znode into a response object. Now the value
    /// goes from the znode into the reply frame directly; what remains is the decoded request (its
    /// GetDataRequest and path string).
    /// </summary>
    [Fact]
    public void GetData_of_1K_does_not_copy_the_value()
    {
        long bytes = PerRequest(Request(3, OpCode.GetData, new GetDataRequest(Key, false)), ReplyFrame + 4 + 1024 + Stat.EncodedSize);
        var reply = LastReplyBody(GetDataResponse.Read);
        Assert.Equal(_value, reply.Data);
        Assert.Equal(1024, reply.Stat.DataLength);
        Assert.InRange(bytes, 0, 255);
    }

    /// <summary>Was 312 bytes (an ExistsResponse per reply and a request object).</summary>
    [Fact]
    public void Exists_allocates_only_the_decoded_request()
    {
        long bytes = PerRequest(Request(4, OpCode.Exists, new ExistsRequest(Key, false)), ReplyFrame + Stat.EncodedSize);
        Assert.Equal(1024, LastReplyBody(ExistsResponse.Read).Stat.DataLength);
        Assert.InRange(bytes, 0, 255);
    }

    /// <summary>
    /// A 1 KB setData necessarily allocates its value twice (decoded from the request, then the
    /// znode's new payload with name and stamps) plus the transaction and its bookkeeping (~700 bytes).
    /// </summary>
    [Fact]
    public void SetData_of_1K_allocates_the_new_value_and_little_else()
    {
        long bytes = PerRequest(Request(5, OpCode.SetData, new SetDataRequest(Key, _value, -1)), ReplyFrame + Stat.EncodedSize);
        Assert.Equal(1024, LastReplyBody(SetDataResponse.Read).Stat.DataLength);
        Assert.InRange(bytes, 2 * 1024, 3071);
    }
}
