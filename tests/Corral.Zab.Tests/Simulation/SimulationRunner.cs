using System.Collections.Concurrent;
using System.Diagnostics;

namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// Runs many seeds in parallel and collects failures. The environment selects the tier:
/// CORRAL_SIM_SEEDS=N runs seeds 1..N (CORRAL_SIM_FIRST_SEED moves the start);
/// CORRAL_SIM_SEED=S runs one seed, with a trace when CORRAL_SIM_TRACE=1 (or 2 for every message).
/// </summary>
public static class SimulationRunner
{
    public sealed record Summary(int Seeds, IReadOnlyList<SimulationResult> Failures, TimeSpan Elapsed, long Commits, int Inconclusive,
        Totals Totals);

    /// <summary>Figures summed over every seed of a run, for docs/simulation.md.</summary>
    public sealed class Totals
    {
        public long SimulatedMs, Crashes, Partitions, AckedWrites, UnknownWrites, AckedMultis, Reads, Epochs, Diff, Trunc, Snap;

        public void Add(Simulation s)
        {
            Interlocked.Add(ref SimulatedMs, s.Now);
            Interlocked.Add(ref Crashes, s.Crashes);
            Interlocked.Add(ref Partitions, s.Partitions);
            Interlocked.Add(ref AckedWrites, s.Writes.Count(w => w.Outcome == WriteOutcome.Acked));
            Interlocked.Add(ref UnknownWrites, s.Writes.Count(w => w.Outcome == WriteOutcome.Unknown));
            Interlocked.Add(ref AckedMultis, s.Writes.Count(w => w.Outcome == WriteOutcome.Acked && w.Request.Op == SimOp.Multi));
            Interlocked.Add(ref Reads, s.Reads.Count);
            Interlocked.Add(ref Epochs, s.Checker.EpochLeaders.Count);
            Interlocked.Add(ref Diff, s.SyncCounts[SyncMode.Diff]);
            Interlocked.Add(ref Trunc, s.SyncCounts[SyncMode.Trunc]);
            Interlocked.Add(ref Snap, s.SyncCounts[SyncMode.Snap]);
        }

        public override string ToString() =>
            $"{Crashes} crashes, {Partitions} partitions, {Epochs} epochs established, sync DIFF/TRUNC/SNAP {Diff}/{Trunc}/{Snap}, " +
            $"writes {AckedWrites} acked ({AckedMultis} multis) / {UnknownWrites} unknown, {Reads} reads, {SimulatedMs / 3_600_000.0:F1} h simulated";
    }

    public static Summary RunSeeds(IEnumerable<ulong> seeds, Func<ulong, SimulationOptions>? configure = null, int? parallelism = null)
    {
        var failures = new ConcurrentBag<SimulationResult>();
        var sw = Stopwatch.StartNew();
        long commits = 0;
        var totals = new Totals();
        int count = 0, inconclusive = 0;
        // CORRAL_SIM_LOG=path appends one line per seed (result and wall time) as seeds finish, for long runs.
        var logPath = Environment.GetEnvironmentVariable("CORRAL_SIM_LOG");
        var logLock = new object();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount }, seed =>
        {
            var started = Stopwatch.GetTimestamp();
            var sim = new Simulation(configure?.Invoke(seed) ?? new SimulationOptions { Seed = seed });
            var result = sim.Run();
            if (logPath is not null)
                lock (logLock) File.AppendAllText(logPath, $"{Stopwatch.GetElapsedTime(started).TotalMilliseconds,8:F0} ms  {result}{Environment.NewLine}");
            Interlocked.Add(ref commits, sim.Checker.GlobalOrder.Count);
            totals.Add(sim);
            Interlocked.Add(ref inconclusive, sim.LinearizabilityInconclusive);
            Interlocked.Increment(ref count);
            if (!result.Ok) failures.Add(result);
        });
        return new Summary(count, failures.OrderBy(f => f.Seed).ToList(), sw.Elapsed, commits, inconclusive, totals);
    }

    public static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;

    public static ulong? EnvSeed() =>
        ulong.TryParse(Environment.GetEnvironmentVariable("CORRAL_SIM_SEED"), out var v) ? v : null;
}
