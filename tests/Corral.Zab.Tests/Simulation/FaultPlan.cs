namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// The fault mix of one run, drawn from its seed ("swarm testing"): each run stresses a different
/// combination instead of every run getting a little of everything.
/// </summary>
public sealed record FaultPlan
{
    public int Voters { get; init; } = 3;
    public int Observers { get; init; }
    public int Clients { get; init; } = 3;
    public double LossRate { get; init; }
    public double DuplicateRate { get; init; }
    public double ReorderRate { get; init; }
    public int MinDelayMs { get; init; } = 1;
    public int MaxDelayMs { get; init; } = 5;
    /// <summary>Mean time between crashes in the safety phase; 0 disables crashes.</summary>
    public int MeanCrashIntervalMs { get; init; }
    /// <summary>Chance that a crash strikes in the middle of carrying out a Ready.</summary>
    public double CrashMidReadyRate { get; init; }
    public int MaxDowntimeMs { get; init; } = 2000;
    /// <summary>Mean time between partition changes; 0 disables partitions.</summary>
    public int MeanPartitionIntervalMs { get; init; }
    /// <summary>Applied txns between snapshots (log compaction), which decides how often SNAP sync is needed.</summary>
    public int SnapshotEvery { get; init; } = 1000;
    public int SafetyPhaseMs { get; init; } = 8000;
    public int LivenessBoundMs { get; init; } = 30000;

    public static FaultPlan Draw(SimRandom rng) => new()
    {
        Voters = rng.Pick([3, 3, 3, 4, 5, 5, 7]),
        Observers = rng.Pick([0, 0, 0, 1, 2]),
        Clients = rng.Next(2, 6),
        LossRate = rng.Pick([0.0, 0.0, 0.001, 0.01, 0.03]),
        DuplicateRate = rng.Pick([0.0, 0.0, 0.01, 0.05]),
        ReorderRate = rng.Pick([0.0, 0.0, 0.01, 0.05]),
        MinDelayMs = rng.Pick([0, 1, 2]),
        MaxDelayMs = rng.Pick([2, 5, 20, 100]),
        MeanCrashIntervalMs = rng.Pick([0, 3000, 1500, 700]),
        CrashMidReadyRate = rng.Pick([0.0, 0.3, 0.7]),
        MaxDowntimeMs = rng.Pick([300, 1500, 4000]),
        MeanPartitionIntervalMs = rng.Pick([0, 0, 3000, 1200]),
        SnapshotEvery = rng.Pick([5, 20, 100, 1000]),
        SafetyPhaseMs = rng.Pick([5000, 8000, 12000]),
    };

    public override string ToString() =>
        $"voters={Voters} observers={Observers} clients={Clients} loss={LossRate} dup={DuplicateRate} reorder={ReorderRate} " +
        $"delay={MinDelayMs}-{MaxDelayMs}ms crashEvery={MeanCrashIntervalMs}ms midReady={CrashMidReadyRate} downtime<={MaxDowntimeMs}ms " +
        $"partitionEvery={MeanPartitionIntervalMs}ms snapshotEvery={SnapshotEvery} safety={SafetyPhaseMs}ms";
}
