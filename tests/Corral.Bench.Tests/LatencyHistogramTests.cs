using Corral.Bench;

namespace Corral.Bench.Tests;

public class LatencyHistogramTests
{
    [Fact]
    public void Small_values_are_exact()
    {
        var h = new LatencyHistogram();
        for (int v = 1; v <= 100; v++) h.Record(v);
        Assert.Equal(100, h.Count);
        Assert.Equal(50, h.ValueAtPercentile(50));
        Assert.Equal(99, h.ValueAtPercentile(99));
        Assert.Equal(100, h.ValueAtPercentile(100));
        Assert.Equal(100, h.Max);
        Assert.Equal(1, h.Min);
        Assert.Equal(50.5, h.Mean);
    }

    [Fact]
    public void Large_values_are_within_one_sixty_fourth()
    {
        var h = new LatencyHistogram();
        for (long v = 1; v <= 1_000_000; v += 7) h.Record(v);
        foreach (double p in new[] { 50.0, 90, 99, 99.9 })
        {
            // The exact p-th percentile of the recorded arithmetic sequence.
            long rank = (long)Math.Ceiling(p / 100 * h.Count);
            long exact = 1 + (rank - 1) * 7;
            long reported = h.ValueAtPercentile(p);
            Assert.InRange(reported, exact, exact + exact / 64 + 1);
        }
        Assert.Equal(1_000_000, h.Max); // 1 + 7 x 142857
    }

    [Fact]
    public void Buckets_cover_every_value_once()
    {
        for (long v = 0; v < 100_000; v++)
        {
            int i = LatencyHistogram.IndexOf(v);
            Assert.InRange(v, LatencyHistogram.LowestEquivalentValue(i), LatencyHistogram.HighestEquivalentValue(i));
        }
        Assert.Equal(LatencyHistogram.IndexOf(127) + 1, LatencyHistogram.IndexOf(128));
        Assert.Equal(LatencyHistogram.IndexOf(255) + 1, LatencyHistogram.IndexOf(256));
    }

    [Fact]
    public void Merging_adds_counts_and_keeps_extremes()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(10);
        a.Record(20);
        b.Record(5);
        b.Record(5000);
        a.Add(b);
        Assert.Equal(4, a.Count);
        Assert.Equal(5, a.Min);
        Assert.Equal(5000, a.Max);
        Assert.Equal(5035, a.Sum);
        Assert.Equal(10, a.ValueAtPercentile(50));
        Assert.Equal(5000, a.ValueAtPercentile(100));
    }

    [Fact]
    public void Empty_histogram_reports_zero_and_clamps_out_of_range_values()
    {
        var h = new LatencyHistogram();
        Assert.Equal(0, h.ValueAtPercentile(99));
        h.Record(-5);
        h.Record(long.MaxValue);
        Assert.Equal(0, h.Min);
        Assert.Equal(LatencyHistogram.MaxTrackableValue, h.Max);
    }
}
