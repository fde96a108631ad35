using BenchmarkDotNet.Attributes;
using Corral.Protocol;

namespace Corral.MicroBench;

/// <summary>
/// The jute codec on the request path: decoding what clients send most (getData, setData, create,
/// multi) and encoding what the server answers most (getData, setData/exists stats, create2).
/// Encoding a reply is meant to allocate nothing (see AllocationBudgetTests).
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly FrameWriter _frames = new(64 * 1024);
    private byte[] _getDataRequest = [];
    private byte[] _setDataRequest = [];
    private byte[] _createRequest = [];
    private byte[] _multiRequest = [];
    private byte[] _hundredFrames = [];
    private GetDataResponse _getDataReply = null!;
    private SetDataResponse _setDataReply = null!;
    private Create2Response _create2Reply = null!;

    private static readonly Stat SampleStat = new(0x100000001, 0x100000002, 1_700_000_000_000, 1_700_000_000_001, 3, 0, 0, 0, 1024, 0, 0x100000001);

    [GlobalSetup]
    public void Setup()
    {
        var data = new byte[1024];
        Random.Shared.NextBytes(data);
        _getDataRequest = Encode(new RequestHeader(1, OpCode.GetData), new GetDataRequest("/corral-bench/keys/k0000123", false));
        _setDataRequest = Encode(new RequestHeader(2, OpCode.SetData), new SetDataRequest("/corral-bench/keys/k0000123", data, -1));
        _createRequest = Encode(new RequestHeader(3, OpCode.Create),
            new CreateRequest("/corral-bench/cd/s1-42", data, Acl.OpenAclUnsafe, CreateMode.Persistent));
        _multiRequest = Encode(new RequestHeader(4, OpCode.Multi), new MultiRequest([
            MultiOp.Create(new CreateRequest("/m/x", data, Acl.OpenAclUnsafe, CreateMode.Persistent)),
            MultiOp.SetData(new SetDataRequest("/k", data, -1)),
            MultiOp.Delete(new DeleteRequest("/m/x", -1)),
        ]));
        var many = new List<byte>();
        for (int i = 0; i < 100; i++) many.AddRange(_getDataRequest);
        _hundredFrames = many.ToArray();
        _getDataReply = new GetDataResponse(data, SampleStat);
        _setDataReply = new SetDataResponse(SampleStat);
        _create2Reply = new Create2Response("/corral-bench/cd/s1-42", SampleStat);
    }

    private byte[] Encode<THeader, TBody>(THeader header, TBody body) where THeader : IJuteRecord where TBody : IJuteRecord
    {
        _frames.Reset();
        _frames.WriteFrame(header, body);
        return _frames.WrittenSpan.ToArray();
    }

    [Benchmark]
    public GetDataRequest DecodeGetDataRequest()
    {
        var r = new JuteReader(_getDataRequest.AsSpan(4));
        RequestHeader.Read(ref r);
        return GetDataRequest.Read(ref r);
    }

    [Benchmark]
    public SetDataRequest DecodeSetDataRequest1K()
    {
        var r = new JuteReader(_setDataRequest.AsSpan(4));
        RequestHeader.Read(ref r);
        return SetDataRequest.Read(ref r);
    }

    [Benchmark]
    public CreateRequest DecodeCreateRequest1K()
    {
        var r = new JuteReader(_createRequest.AsSpan(4));
        RequestHeader.Read(ref r);
        return CreateRequest.Read(ref r);
    }

    [Benchmark]
    public MultiRequest DecodeMultiRequest3Ops()
    {
        var r = new JuteReader(_multiRequest.AsSpan(4));
        RequestHeader.Read(ref r);
        return MultiRequest.Read(ref r);
    }

    [Benchmark]
    public int EncodeGetDataReply1K()
    {
        _frames.Reset();
        return _frames.WriteFrame(new ReplyHeader(1, 0x100000002, ErrorCode.Ok), _getDataReply);
    }

    [Benchmark]
    public int EncodeSetDataReply()
    {
        _frames.Reset();
        return _frames.WriteFrame(new ReplyHeader(2, 0x100000003, ErrorCode.Ok), _setDataReply);
    }

    [Benchmark]
    public int EncodeCreate2Reply()
    {
        _frames.Reset();
        return _frames.WriteFrame(new ReplyHeader(3, 0x100000004, ErrorCode.Ok), _create2Reply);
    }

    /// <summary>Splitting a receive buffer of 100 pipelined getData requests into frames.</summary>
    [Benchmark(OperationsPerInvoke = 100)]
    public int SplitFrames()
    {
        ReadOnlySpan<byte> buffer = _hundredFrames;
        int n = 0;
        while (Frame.TryReadFrame(buffer, out _, out int size) == FrameStatus.Complete)
        {
            buffer = buffer[size..];
            n++;
        }
        return n;
    }

    [GlobalCleanup]
    public void Cleanup() => _frames.Dispose();
}
