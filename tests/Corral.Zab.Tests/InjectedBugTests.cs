using Corral.Zab.Tests.Simulation;
using Xunit.Abstractions;

namespace Corral.Zab.Tests;

/// <summary>
/// The checkers are only worth something if they catch real protocol bugs. Each run switches on one
/// deliberate bug (in the peer, or in how the host carries out a Ready) and requires the randomised simulation
/// to report a violation within a few hundred seeds, and the first failing seed to pass without the bug.
/// </summary>
public sealed class InjectedBugTests(ITestOutputHelper output)
{
    private const int MaxSeeds = 400;

    /// <summary>Skipping truncation: the leader DIFFs a follower holding txns the leader never had.</summary>
    [Fact]
    public void DiffInsteadOfTrunc_IsCaughtWithinAFewHundredSeeds() =>
        AssertCaught(seed => new SimulationOptions { Seed = seed, Bugs = InjectedBug.DiffInsteadOfTrunc });

    [Fact]
    public void AckNewLeaderBeforeLoggingSyncTxns_IsCaughtWithinAFewHundredSeeds() =>
        AssertCaught(seed => new SimulationOptions { Seed = seed, Bugs = InjectedBug.AckNewLeaderBeforeLoggingSyncTxns });

    /// <summary>Commit before a quorum ACKs: a txn the leader alone logged is applied and answered, then lost with the leader.</summary>
    [Fact]
    public void CommitWithoutQuorum_IsCaughtWithinAFewHundredSeeds() =>
        AssertCaught(seed => new SimulationOptions { Seed = seed, Bugs = InjectedBug.CommitWithoutQuorum });

    /// <summary>Wrong epoch acceptance: a new leader reuses the last promised epoch and learners accept it, so two leaders share an epoch.</summary>
    [Fact]
    public void NewEpochNotIncremented_IsCaughtWithinAFewHundredSeeds() =>
        AssertCaught(seed => new SimulationOptions { Seed = seed, Bugs = InjectedBug.NewEpochNotIncremented });

    /// <summary>A host that applies a Ready's committed txns out of order.</summary>
    [Fact]
    public void ApplyOutOfOrder_IsCaughtWithinAFewHundredSeeds() =>
        AssertCaught(seed => new SimulationOptions { Seed = seed, ApplyOutOfOrder = true });

    private void AssertCaught(Func<ulong, SimulationOptions> withBug)
    {
        // Seeds run in small parallel batches; the lowest failing seed of the first batch with a failure is reported.
        const int batch = 16;
        SimulationResult? caught = null;
        ulong next = 1;
        while (caught is null && next <= MaxSeeds)
        {
            var seeds = Enumerable.Range(0, batch).Select(i => next + (ulong)i).ToList();
            caught = SimulationRunner.RunSeeds(seeds, withBug).Failures.FirstOrDefault();
            next += batch;
        }
        Assert.True(caught is not null, $"the bug went unnoticed for {MaxSeeds} seeds");
        output.WriteLine($"caught at {caught}");
        // Every failure report carries the one-line command that replays its seed with a trace (the bug itself is a test-only switch).
        Assert.Contains($"replay: CORRAL_SIM_SEED={caught.Seed} CORRAL_SIM_TRACE=1 dotnet test tests/Corral.Zab.Tests", caught.ToString());

        // The same seed without the bug is clean, so the failure is the bug's and not the seed's.
        var clean = new Simulation.Simulation(new SimulationOptions { Seed = caught.Seed }).Run();
        Assert.True(clean.Ok, clean.ToString());
    }
}
