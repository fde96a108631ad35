namespace Corral.Zab.Tests.Simulation;

/// <summary>Random faults for the safety phase: crashes (some in the middle of a Ready) and partitions.</summary>
public sealed partial class Simulation
{
    private void StartRandomFaults()
    {
        _faultsActive = true;
        if (Plan.MeanCrashIntervalMs > 0) ScheduleNextCrash();
        if (Plan.MeanPartitionIntervalMs > 0) ScheduleNextPartition();
    }

    private void ScheduleNextCrash() => Enqueue(Now + 1 + _faultRng.Exponential(Plan.MeanCrashIntervalMs), () =>
    {
        if (!_faultsActive) return;
        var up = Servers.Values.Where(s => s.IsUp).ToList();
        if (up.Count > 0)
        {
            var victim = _faultRng.Pick(up);
            if (_faultRng.Chance(Plan.CrashMidReadyRate))
            {
                victim.CrashAfterSteps = _faultRng.Next(0, 8);
                Trace(1, $"server {victim.Id} will crash {victim.CrashAfterSteps} steps into carrying out a Ready");
            }
            else CrashNow(victim.Id, "random");
        }
        ScheduleNextCrash();
    });

    private void ScheduleNextPartition() => Enqueue(Now + 1 + _faultRng.Exponential(Plan.MeanPartitionIntervalMs), () =>
    {
        if (!_faultsActive) return;
        Network.HealAll();
        var ids = Servers.Keys.ToList();
        switch (_faultRng.Next(4))
        {
            case 0:
                Trace(1, "network heals");
                break;
            case 1:
            {
                var isolated = _faultRng.Pick(ids);
                Network.Partition([isolated], ids.Where(i => i != isolated));
                Trace(1, $"partition: server {isolated} isolated");
                Partitions++;
                break;
            }
            case 2:
            {
                var side = ids.Where(_ => _faultRng.Chance(0.5)).ToList();
                Network.Partition(side, ids.Except(side));
                Trace(1, $"partition: [{string.Join(",", side)}] | [{string.Join(",", ids.Except(side))}]");
                Partitions++;
                break;
            }
            default:
            {
                // Asymmetric: one server can send but not receive (or the reverse).
                var one = _faultRng.Pick(ids);
                var outbound = _faultRng.Chance(0.5);
                foreach (var other in ids.Where(i => i != one))
                    if (outbound) Network.Block(one, other); else Network.Block(other, one);
                Trace(1, $"partition: server {one} cannot {(outbound ? "send" : "receive")}");
                Partitions++;
                break;
            }
        }
        ScheduleNextPartition();
    });

    /// <summary>The liveness phase: no more faults, the network heals, every server restarts.</summary>
    private void Heal()
    {
        _faultsActive = false;
        Network.Faults = Plan with { LossRate = 0, DuplicateRate = 0, ReorderRate = 0, MinDelayMs = 1, MaxDelayMs = Math.Min(Plan.MaxDelayMs, 5) };
        Network.HealAll();
        foreach (var s in Servers.Values)
        {
            s.CrashAfterSteps = null;
            if (!s.IsUp) Restart(s.Id);
        }
        Trace(1, "HEAL: faults stop, all servers up, network whole");
    }
}
