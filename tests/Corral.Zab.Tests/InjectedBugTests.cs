using Corral.Zab.Tests.Simulation;
using Xunit.Abstractions;

namespace Corral.Zab.Tests;

/// <summary>
/// The checkers are only worth something if they catch real protocol bugs. These runs switch on a
/// deliberate bug and require the randomised simulation to find it within a few hundred seeds.
/// </summary>
public sealed class InjectedBugTests(ITestOutputHelper output)
{
    [Fact]
    public void DiffInsteadOfTrunc_IsCaughtWithinAFewHundredSeeds() => AssertCaught(InjectedBug.DiffInsteadOfTrunc);

    [Fact]
    public void AckNewLeaderBeforeLoggingSyncTxns_IsCaughtWithinAFewHundredSeeds() => AssertCaught(InjectedBug.AckNewLeaderBeforeLoggingSyncTxns);

    private void AssertCaught(InjectedBug bug)
    {
        SimulationResult? caught = null;
        var tried = 0;
        for (ulong seed = 1; seed <= 400 && caught is null; seed++)
        {
            tried++;
            var result = new Simulation.Simulation(new SimulationOptions { Seed = seed, Bugs = bug }).Run();
            if (!result.Ok) caught = result;
        }
        Assert.NotNull(caught);
        output.WriteLine($"caught after {tried} seeds: {caught}");

        // The same seed without the bug is clean, so the failure is the bug's and not the seed's.
        var clean = new Simulation.Simulation(new SimulationOptions { Seed = caught.Seed }).Run();
        Assert.True(clean.Ok, clean.ToString());
    }
}
