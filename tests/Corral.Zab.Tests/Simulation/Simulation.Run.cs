using Corral.Zab.Tests.Checkers;

namespace Corral.Zab.Tests.Simulation;

public sealed record SimulationResult(ulong Seed, FaultPlan Plan, string? Violation, string Stats)
{
    public bool Ok => Violation is null;
    public override string ToString() => Ok
        ? $"seed {Seed}: ok ({Stats})"
        : $"seed {Seed}: VIOLATION: {Violation}\n  plan: {Plan}\n  stats: {Stats}\n  replay: CORRAL_SIM_SEED={Seed} CORRAL_SIM_TRACE=1 dotnet test tests/Corral.Zab.Tests --filter FullyQualifiedName~RandomSeeds";
}

public sealed partial class Simulation
{
    /// <summary>
    /// One randomised run: a safety phase under the seed's fault mix, then a liveness phase on the healed
    /// ensemble that must converge within the bound, then the history checks.
    /// </summary>
    public SimulationResult Run()
    {
        Trace(1, $"seed {Seed}: {Plan}");
        string? violation = null;
        try
        {
            StartAll();
            if (_options.RandomClients) StartRandomClients();
            if (_options.RandomFaults) StartRandomFaults();
            RunFor(Plan.SafetyPhaseMs);

            Heal();
            _livenessStart = Now;
            foreach (var c in Clients)
            {
                c.LivenessWriteDone = false;
                if (c.Outstanding is null) WakeLater(c, 1);
            }
            if (!RunUntil(Converged, Plan.LivenessBoundMs))
                violation = LostSeenTxn() ?? $"Liveness: the healed ensemble did not converge within {Plan.LivenessBoundMs} ms. {DescribeServers()}";
            else
            {
                _clientsActive = false;
                HistoryChecker.Check(this);
            }
        }
        catch (InvariantViolationException e)
        {
            violation = $"{e.Message} (at {Now} ms)";
        }
        catch (Exception e)
        {
            // A peer or host that throws is a failure of this seed too, reported with the seed that replays it.
            violation = $"Exception at {Now} ms: {e}";
        }
        if (violation is not null) Trace(1, "VIOLATION: " + violation);
        return new SimulationResult(Seed, Plan, violation, Stats());
    }

    /// <summary>
    /// A client that saw a zxid no replica holds any more can never reconnect (the lastZxidSeen guard), which
    /// looks like a liveness failure but is a lost committed txn: report it as such.
    /// </summary>
    private string? LostSeenTxn()
    {
        var best = Servers.Values.Where(s => s.IsUp).Select(s => s.Peer!.LastLoggedZxid).DefaultIfEmpty(0).Max();
        var c = Clients.FirstOrDefault(c => c.LastZxidSeen > best);
        return c is null ? null
            : $"Lost committed txn: client {c.Id} saw zxid {Zxid.Format(c.LastZxidSeen)}, but after recovery no replica has logged past {Zxid.Format(best)}. {DescribeServers()}";
    }

    /// <summary>Every server serves the same leader, has applied the leader's whole log, and every client finished a write after the heal.</summary>
    public bool Converged()
    {
        var leader = Leader;
        if (leader is null || Servers.Values.Any(s => !s.IsUp)) return false;
        var last = leader.Peer!.LastLoggedZxid;
        if (leader.Peer.CommittedZxid != last) return false;
        foreach (var s in Servers.Values)
            if (!s.Peer!.IsServing || s.Peer.LeaderId != leader.Id || s.Machine!.LastZxid != last) return false;
        return Clients.All(c => c.LivenessWriteDone);
    }

    public string DescribeServers() => string.Join("; ", Servers.Values.Select(s => s.Peer is { } p
        ? $"{s.Id}:{p.State}{(p.IsServing ? "+serving" : "")} leader={p.LeaderId} acc={p.AcceptedEpoch} cur={p.CurrentEpoch} last={Zxid.Format(p.LastLoggedZxid)} " +
          $"committed={Zxid.Format(p.CommittedZxid)} applied={Zxid.Format(s.Machine!.LastZxid)} ({p.LastTransition})"
        : $"{s.Id}:down"));

    public string Stats() =>
        $"{Now} ms simulated, {EventsProcessed} events, {Checker.GlobalOrder.Count} txns committed, {Checker.EpochLeaders.Count} epochs established, " +
        $"writes {Writes.Count(w => w.Outcome == WriteOutcome.Acked)} acked / {Writes.Count(w => w.Outcome == WriteOutcome.Unknown)} unknown, " +
        $"{Reads.Count} reads, {Crashes} crashes, {Partitions} partitions, {Servers.Values.Sum(s => s.Disk.UnsyncedEntriesLost)} unsynced entries lost, " +
        $"{Servers.Values.Sum(s => s.Disk.TornRecordsDropped)} torn records, sync DIFF/TRUNC/SNAP {SyncCounts[SyncMode.Diff]}/{SyncCounts[SyncMode.Trunc]}/{SyncCounts[SyncMode.Snap]}, " +
        $"{Network.Sent} msgs ({Network.Dropped} dropped)";
}
