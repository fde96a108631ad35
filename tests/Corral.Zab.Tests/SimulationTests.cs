using Corral.Zab.Tests.Simulation;
using Xunit.Abstractions;

namespace Corral.Zab.Tests;

/// <summary>
/// Randomised whole-ensemble runs. The default tier runs a bounded number of seeds; see docs/simulation.md
/// for the long run (CORRAL_SIM_SEEDS) and single-seed replay with a trace (CORRAL_SIM_SEED, CORRAL_SIM_TRACE).
/// </summary>
public sealed class SimulationTests(ITestOutputHelper output)
{
    private const int DefaultSeeds = 300;

    [Fact]
    public void RandomSeeds_HaveNoViolations()
    {
        if (SimulationRunner.EnvSeed() is { } one)
        {
            var trace = new StringWriter();
            var sim = new Simulation.Simulation(new SimulationOptions
            {
                Seed = one, TraceLevel = SimulationRunner.EnvInt("CORRAL_SIM_TRACE", 0), TraceWriter = trace,
            });
            var result = sim.Run();
            var text = trace.ToString();
            if (text.Length > 0) output.WriteLine(text);
            var path = Environment.GetEnvironmentVariable("CORRAL_SIM_TRACE_FILE");
            if (path is not null) File.WriteAllText(path, text + result + Environment.NewLine);
            output.WriteLine(result.ToString());
            Assert.True(result.Ok, result.ToString());
            return;
        }

        var first = (ulong)SimulationRunner.EnvInt("CORRAL_SIM_FIRST_SEED", 1);
        var count = SimulationRunner.EnvInt("CORRAL_SIM_SEEDS", DefaultSeeds);
        var summary = SimulationRunner.RunSeeds(Enumerable.Range(0, count).Select(i => first + (ulong)i));
        output.WriteLine($"{summary.Seeds} seeds, {summary.Failures.Count} violations, {summary.Commits} txns committed, " +
                         $"{summary.Inconclusive} inconclusive linearizability searches, {summary.Elapsed.TotalSeconds:F1} s; {summary.Totals}");
        foreach (var f in summary.Failures) output.WriteLine(f.ToString());
        Assert.True(summary.Failures.Count == 0,
            $"{summary.Failures.Count} of {summary.Seeds} seeds failed:\n{string.Join("\n", summary.Failures.Take(5))}");
    }

    [Fact]
    public void SameSeed_ReplaysIdentically()
    {
        string RunTraced(ulong seed)
        {
            var trace = new StringWriter();
            var result = new Simulation.Simulation(new SimulationOptions { Seed = seed, TraceLevel = 2, TraceWriter = trace }).Run();
            return trace + result.ToString();
        }
        foreach (var seed in new ulong[] { 7, 42 })
        {
            var a = RunTraced(seed);
            var b = RunTraced(seed);
            Assert.True(a.Length > 1000, "the trace should record the run");
            Assert.Equal(a, b);
        }
    }
}
