namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// The simulator's only source of randomness: xoshiro256** seeded through SplitMix64, so a seed replays
/// identically on every machine and runtime version.
/// </summary>
public sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SimRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed); _s1 = SplitMix(ref seed); _s2 = SplitMix(ref seed); _s3 = SplitMix(ref seed);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => maxExclusive <= 1 ? 0 : (int)(NextULong() % (ulong)maxExclusive);
    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));
    public bool Chance(double p) => p > 0 && NextDouble() < p;
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
    /// <summary>Exponentially distributed delay with the given mean, for fault inter-arrival times.</summary>
    public long Exponential(double mean) => (long)(-Math.Log(1 - NextDouble()) * mean);
    /// <summary>A child generator, so adding draws to one subsystem does not shift another's.</summary>
    public SimRandom Fork() => new(NextULong());
}
