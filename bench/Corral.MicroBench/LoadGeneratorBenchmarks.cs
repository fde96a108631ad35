using BenchmarkDotNet.Attributes;
using Corral.Bench;
using Corral.Protocol;

namespace Corral.MicroBench;

/// <summary>
/// The load generator's own per-request work (encode, verify, time). It must stay far below a
/// server's per-request cost, or `corral bench` would measure itself.
/// </summary>
[MemoryDiagnoser]
public class LoadGeneratorBenchmarks
{
    private readonly FrameWriter _frames = new(64 * 1024);
    private readonly byte[] _path = "/corral-bench/keys/k0000123"u8.ToArray();
    private readonly byte[] _value = new byte[1024];
    private readonly LatencyHistogram _histogram = new();
    private long _sample = 1;

    [GlobalSetup]
    public void Setup() => Payload.Fill(_value, 123, 77);

    [Benchmark]
    public int EncodeGetData()
    {
        _frames.Reset();
        RequestEncoder.GetData(_frames, 1, _path, false);
        return _frames.WrittenCount;
    }

    [Benchmark]
    public int FillAndEncodeSetData1K()
    {
        _frames.Reset();
        Payload.Fill(_value, 123, _sample++);
        RequestEncoder.SetData(_frames, 1, _path, _value);
        return _frames.WrittenCount;
    }

    [Benchmark]
    public string? VerifyValue1K() => Payload.Verify(_value, 123, 1024);

    [Benchmark]
    public void RecordLatency() => _histogram.Record(_sample = _sample * 3 % 1_000_003);

    [GlobalCleanup]
    public void Cleanup() => _frames.Dispose();
}
