using System.Numerics;

namespace Corral.Bench;

/// <summary>
/// A log-linear latency histogram in the style of HdrHistogram: values below 128 get a bucket each,
/// and every power of two above is split into 64 equal sub-buckets, so any recorded value is
/// reported within 1/64 (about 1.6%) of its true value while the whole histogram stays a few KB.
/// Values are microseconds. Recording allocates nothing; one histogram belongs to one session
/// (not thread-safe) and histograms are merged at the end of a run.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBucketCount = 1 << SubBucketBits;      // 128 linear buckets at the bottom
    private const int HalfSubBucketCount = SubBucketCount / 2;  // 64 sub-buckets per power of two
    private const int MaxShift = 40;                            // 2^46 µs is far past any sane latency

    /// <summary>The largest value kept exactly in range; larger values are clamped to it.</summary>
    public const long MaxTrackableValue = (1L << (MaxShift + SubBucketBits)) - 1;

    private readonly long[] _counts = new long[SubBucketCount + MaxShift * HalfSubBucketCount];

    public long Count { get; private set; }
    public long Max { get; private set; }
    public long Min { get; private set; } = long.MaxValue;
    public long Sum { get; private set; }

    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    public void Record(long micros)
    {
        if (micros < 0) micros = 0;
        if (micros > MaxTrackableValue) micros = MaxTrackableValue;
        _counts[IndexOf(micros)]++;
        Count++;
        Sum += micros;
        if (micros > Max) Max = micros;
        if (micros < Min) Min = micros;
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        Sum += other.Sum;
        if (other.Count > 0)
        {
            Max = Math.Max(Max, other.Max);
            Min = Math.Min(Min, other.Min);
        }
    }

    /// <summary>
    /// The value at the given percentile (0..100]: the highest value of the bucket holding the
    /// ceil(p% x count)-th smallest sample, capped at the true maximum. 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0) return 0;
        if (percentile <= 0) return Min;
        long rank = (long)Math.Ceiling(Math.Min(percentile, 100.0) / 100.0 * Count);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(HighestEquivalentValue(i), Max);
        }
        return Max;
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBucketCount) return (int)value;
        int msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = msb - (SubBucketBits - 1);          // brings value into [64, 128)
        return shift * HalfSubBucketCount + (int)(value >> shift);
    }

    internal static long LowestEquivalentValue(int index)
    {
        if (index < SubBucketCount) return index;
        int shift = index / HalfSubBucketCount - 1;
        long sub = index - shift * HalfSubBucketCount;
        return sub << shift;
    }

    internal static long HighestEquivalentValue(int index)
    {
        if (index < SubBucketCount) return index;
        int shift = index / HalfSubBucketCount - 1;
        return LowestEquivalentValue(index) + (1L << shift) - 1;
    }
}
