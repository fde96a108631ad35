using Corral.Zab.Tests.Simulation;

namespace Corral.Zab.Tests.Checkers;

/// <summary>
/// End-of-run checks over the client history, against a reference replay of the one global order:
/// all replicas converged to the same state; no acknowledged write lost and each answered with the
/// result the replay gives at its zxid; every read returned the replay's state at the zxid it saw
/// (so reads are consistent), monotonic reads and read-your-writes per session; and writes and
/// compare-and-set linearizable per znode (Porcupine).
/// </summary>
public static class HistoryChecker
{
    private static void Fail(string message) => throw new InvariantViolationException(message);

    public static void Check(Simulation.Simulation sim)
    {
        CheckConvergence(sim);
        CheckAgainstReplay(sim);
        CheckSessions(sim);
        CheckLinearizable(sim);
    }

    private static void CheckConvergence(Simulation.Simulation sim)
    {
        var order = sim.Checker.GlobalOrder;
        var expectedZxid = order.Count > 0 ? order[^1].Zxid : 0;
        ulong? digest = null;
        foreach (var s in sim.Servers.Values)
        {
            var m = s.Machine!;
            if (m.LastZxid != expectedZxid)
                Fail($"Convergence: server {s.Id} applied up to {Zxid.Format(m.LastZxid)}, the ensemble committed up to {Zxid.Format(expectedZxid)}");
            digest ??= m.Digest();
            if (m.Digest() != digest) Fail($"Convergence: server {s.Id} digest differs at {Zxid.Format(expectedZxid)}");
        }
    }

    private static void CheckAgainstReplay(Simulation.Simulation sim)
    {
        var acked = sim.Writes.Where(w => w.Outcome == WriteOutcome.Acked).ToDictionary(w => (w.ClientId, w.Txn.RequestId));
        foreach (var w in acked.Values)
            if (sim.Checker.IndexOf(w.Zxid) < 0)
                Fail($"Lost write: client {w.ClientId} was told {w.Txn} succeeded at {Zxid.Format(w.Zxid)}, which is not in the committed history");

        var reads = sim.Reads.OrderBy(r => r.Zxid).ToList();
        var next = 0;
        var replay = new KvStateMachine();
        void CheckReadsUpTo(long zxid)
        {
            for (; next < reads.Count && reads[next].Zxid <= zxid; next++)
            {
                var r = reads[next];
                var expected = replay.Read(r.Path);
                if (expected != r.Result)
                    Fail($"Read: client {r.ClientId} read {r.Path} from server {r.ServerId} at {Zxid.Format(r.Zxid)} and got {r.Result}, the committed state there is {expected}");
            }
        }
        CheckReadsUpTo(0);
        foreach (var e in sim.Checker.GlobalOrder)
        {
            var result = replay.Apply(e.Zxid, e.Payload);
            var t = SimTxn.Decode(e.Payload);
            if (acked.TryGetValue((t.ClientId, t.RequestId), out var w))
            {
                if (w.Zxid != e.Zxid) Fail($"Write: client {w.ClientId}'s {t} was answered for {Zxid.Format(w.Zxid)} but committed at {Zxid.Format(e.Zxid)}");
                if (w.Result != result) Fail($"Write: client {w.ClientId}'s {t} was answered {w.Result}, the committed history gives {result}");
            }
            CheckReadsUpTo(e.Zxid);
        }
        if (next < reads.Count) Fail($"Read: a read observed zxid {Zxid.Format(reads[next].Zxid)}, which is not in the committed history");
    }

    private static void CheckSessions(Simulation.Simulation sim)
    {
        foreach (var r in sim.Reads)
        {
            if (r.Zxid < r.LastZxidSeenBefore)
                Fail($"Monotonic reads: client {r.ClientId} read at {Zxid.Format(r.Zxid)} after seeing {Zxid.Format(r.LastZxidSeenBefore)}");
            if (r.Zxid < r.LastAckedWriteZxidBefore)
                Fail($"Read-your-writes: client {r.ClientId} read at {Zxid.Format(r.Zxid)} after its write at {Zxid.Format(r.LastAckedWriteZxidBefore)}");
        }
    }

    private static void CheckLinearizable(Simulation.Simulation sim)
    {
        var model = new ZNodeModel();
        foreach (var group in sim.Writes.Where(w => w.Txn.Path.StartsWith("/kv/", StringComparison.Ordinal) && w.Outcome != WriteOutcome.Pending)
                     .GroupBy(w => w.Txn.Path))
        {
            var ops = group.Select(w => new Operation<ZNodeInput, ZNodeOutput?>(
                w.ClientId,
                new ZNodeInput(w.Txn.Op, w.Txn.Data, w.Txn.Version),
                w.InvokedAt,
                w.Outcome == WriteOutcome.Acked ? new ZNodeOutput(w.Result.Code, w.Txn.Op == SimOp.SetData ? w.Result.Version : 0) : null,
                w.Outcome == WriteOutcome.Acked ? w.ReturnedAt : null)).ToList();
            var verdict = LinearizabilityChecker.Check(model, ops);
            if (verdict == LinearizabilityVerdict.Illegal)
                Fail($"Linearizability: the {ops.Count} writes to {group.Key} have no legal linear order");
            if (verdict == LinearizabilityVerdict.Inconclusive) sim.LinearizabilityInconclusive++;
        }
    }
}
