using Corral.Bench;
using Corral.Protocol;

namespace Corral.Bench.Tests;

/// <summary>
/// Hot paths that must allocate nothing in steady state: the server's reply encoding (so
/// Corral's request path can be allocation-free) and the load generator's own request encoding,
/// reply decoding and timing (so the bench measures the server, not its own GC).
/// </summary>
public class AllocationBudgetTests
{
    private static long AllocatedBy(Action action)
    {
        action(); // warm up: JIT, pooled buffers grown to size
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static readonly Stat SampleStat = new(1, 2, 3, 4, 5, 6, 7, 0, 1024, 0, 1);

    [Fact]
    public void Encoding_a_getData_reply_allocates_nothing()
    {
        using var frames = new FrameWriter();
        var reply = new GetDataResponse(new byte[1024], SampleStat);
        var header = new ReplyHeader(9, 100, ErrorCode.Ok);
        long bytes = AllocatedBy(() =>
        {
            frames.Reset();
            frames.WriteFrame(header, reply);
        });
        Assert.Equal(0, bytes);
        Assert.Equal(4 + ReplyHeader.EncodedSize + 4 + 1024 + Stat.EncodedSize, frames.WrittenCount);
    }

    [Fact]
    public void Decoding_a_getData_reply_in_place_allocates_nothing()
    {
        using var frames = new FrameWriter();
        var data = new byte[1024];
        Payload.Fill(data, 3, 9);
        frames.WriteFrame(new ReplyHeader(9, 100, ErrorCode.Ok), new GetDataResponse(data, SampleStat with { DataLength = 1024 }));
        var encoded = frames.WrittenMemory;
        string? problem = "not run";
        long bytes = AllocatedBy(() =>
        {
            Frame.TryReadFrame(encoded.Span, out var payload, out _);
            var r = new JuteReader(payload);
            ReplyHeader.Read(ref r);
            var value = r.ReadBufferSpan(out _);
            var stat = Stat.Read(ref r);
            problem = stat.DataLength == value.Length ? Payload.Verify(value, 3, 1024) : "length";
        });
        Assert.Equal(0, bytes);
        Assert.Null(problem);
    }

    [Fact]
    public void Encoding_bench_requests_allocates_nothing()
    {
        using var frames = new FrameWriter();
        var path = "/corral-bench/keys/k0000001"u8.ToArray();
        var data = new byte[1024];
        long bytes = AllocatedBy(() =>
        {
            frames.Reset();
            Payload.Fill(data, 1, 2);
            RequestEncoder.GetData(frames, 1, path, false);
            RequestEncoder.SetData(frames, 2, path, data);
            RequestEncoder.Create(frames, 3, path, data, CreateMode.Persistent);
            RequestEncoder.Delete(frames, 4, path);
            RequestEncoder.CreateSetDeleteMulti(frames, 5, path, path, data);
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Recording_latency_allocates_nothing()
    {
        var h = new LatencyHistogram();
        long v = 1;
        long bytes = AllocatedBy(() => h.Record(v = v * 3 % 1_000_003));
        Assert.Equal(0, bytes);
    }
}
