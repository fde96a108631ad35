using System.Diagnostics;

namespace Corral.Bench;

/// <summary>
/// The phases of a run on the Stopwatch timeline: warm-up until <see cref="MeasureStart"/>,
/// measurement until <see cref="MeasureEnd"/>, after which sessions stop issuing and drain.
/// Only operations that complete inside the measurement window are counted and timed.
/// </summary>
public readonly record struct BenchClock(long MeasureStart, long MeasureEnd)
{
    public static BenchClock StartingNow(TimeSpan warmup, TimeSpan duration)
    {
        long now = Stopwatch.GetTimestamp();
        long start = now + ToTicks(warmup);
        return new BenchClock(start, start + ToTicks(duration));
    }

    public bool InMeasurement(long timestamp) => timestamp >= MeasureStart && timestamp < MeasureEnd;

    public bool Finished(long timestamp) => timestamp >= MeasureEnd;

    public double MeasuredSeconds => (double)(MeasureEnd - MeasureStart) / Stopwatch.Frequency;

    public static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public static long ToMicros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}
