using BenchmarkDotNet.Attributes;
using Corral.Core.Server;
using Corral.Protocol;

namespace Corral.MicroBench;

/// <summary>
/// The server's request path without sockets: one frame payload into <see cref="CoreConnection.Receive"/>,
/// through decode, ACL check, the data tree (and for writes prepare, commit in memory, apply,
/// watch triggering), out as reply frames to a sink that only counts bytes. Reads are meant to
/// allocate little; what they allocate shows in the Allocated column.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private sealed class CountingSink : IConnectionSink
    {
        public long Bytes;
        public void Send(ReadOnlySpan<byte> frame) => Bytes += frame.Length;
        public void Close() { }
    }

    private readonly CountingSink _sink = new();
    private ServerCore _core = null!;
    private CoreConnection _connection = null!;
    private byte[] _getData = [], _exists = [], _setData = [], _create = [], _delete = [];

    [Params(10_000)]
    public int Znodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _core = new ServerCore(new CoreOptions(), TimeProvider.System, InMemoryCommitter.Instance);
        _connection = _core.Open(_sink, "127.0.0.1");
        _connection.Receive(Payload((ref JuteWriter w) => new ConnectRequest(0, 0, 30_000, 0, new byte[16]).Write(ref w)));
        var value = new byte[1024];
        Random.Shared.NextBytes(value);
        _connection.Receive(Request(1, OpCode.Create, new CreateRequest("/bench", [], Acl.OpenAclUnsafe, CreateMode.Persistent)));
        for (int i = 0; i < Znodes; i++)
            _connection.Receive(Request(2, OpCode.Create, new CreateRequest($"/bench/k{i:D7}", value, Acl.OpenAclUnsafe, CreateMode.Persistent)));
        string key = $"/bench/k{Znodes / 2:D7}";
        _getData = Request(3, OpCode.GetData, new GetDataRequest(key, false));
        _exists = Request(4, OpCode.Exists, new ExistsRequest(key, false));
        _setData = Request(5, OpCode.SetData, new SetDataRequest(key, value, -1));
        _create = Request(6, OpCode.Create, new CreateRequest("/bench/new", value, Acl.OpenAclUnsafe, CreateMode.Persistent));
        _delete = Request(7, OpCode.Delete, new DeleteRequest("/bench/new", -1));
        if (_core.Tree.NodeCount < Znodes) throw new InvalidOperationException("set-up did not create the znodes");
    }

    private delegate void Body(ref JuteWriter w);

    private static byte[] Payload(Body body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
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

    [Benchmark]
    public long GetData1K()
    {
        _connection.Receive(_getData);
        return _sink.Bytes;
    }

    [Benchmark]
    public long Exists()
    {
        _connection.Receive(_exists);
        return _sink.Bytes;
    }

    [Benchmark]
    public long SetData1K()
    {
        _connection.Receive(_setData);
        return _sink.Bytes;
    }

    /// <summary>Two writes per invocation: a create and the delete of the same znode.</summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public long CreateDelete1K()
    {
        _connection.Receive(_create);
        _connection.Receive(_delete);
        return _sink.Bytes;
    }
}
