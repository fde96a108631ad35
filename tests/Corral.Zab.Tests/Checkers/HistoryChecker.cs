using Corral.Protocol;
using Corral.Zab.Tests.Simulation;

namespace Corral.Zab.Tests.Checkers;

/// <summary>
/// End-of-run checks over the client history, against the <see cref="ReferenceModel"/> replaying the one
/// global commit order request by request: all replicas converged to the same state, which is the model's;
/// clients were acknowledged only for committed txns, each with the answer the model gives at its zxid; the
/// commit order respects real time (a write acknowledged before another was invoked commits first), which with
/// the answers makes every acknowledged write linearizable, multis included; every read returned the model's
/// state at the zxid it saw, with monotonic reads and read-your-writes per session; and, independently of the
/// commit order, writes and compare-and-set on each /kv znode are linearizable (Porcupine).
/// </summary>
public static class HistoryChecker
{
    private static void Fail(string message) => throw new InvariantViolationException(message);

    public static void Check(Simulation.Simulation sim)
    {
        CheckConvergence(sim);
        CheckAgainstReplay(sim);
        CheckRealTimeOrder(sim);
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
        var requests = new Dictionary<(long, int), WriteRecord>();
        foreach (var w in sim.Writes) requests[(w.Request.SessionId, w.Request.Cxid)] = w;
        var acked = sim.Writes.Where(w => w.Outcome == WriteOutcome.Acked).ToList();
        foreach (var w in acked)
            if (sim.Checker.IndexOf(w.Zxid) < 0)
                Fail($"Lost write: client {w.ClientId} was told {w.Request} succeeded at {Zxid.Format(w.Zxid)}, which is not in the committed history");

        var reads = sim.Reads.OrderBy(r => r.Zxid).ToList();
        var next = 0;
        var model = new ReferenceModel();
        var committedRequests = new HashSet<WriteRecord>();
        void CheckReadsUpTo(long zxid)
        {
            for (; next < reads.Count && reads[next].Zxid <= zxid; next++)
            {
                var r = reads[next];
                var expected = model.Read(r.Path);
                if (expected != r.Result)
                    Fail($"Read: client {r.ClientId} read {r.Path} from server {r.ServerId} at {Zxid.Format(r.Zxid)} and got {r.Result}, the committed state there is {expected}");
            }
        }
        CheckReadsUpTo(0);
        foreach (var e in sim.Checker.GlobalOrder)
        {
            var key = TreeStateMachine.RequestOf(e.Payload);
            if (!requests.TryGetValue(key, out var w))
                Fail($"Integrity: {Zxid.Format(e.Zxid)} answers session {key.Item1:x} cxid {key.Item2}, which no client sent");
            else if (!committedRequests.Add(w))
                Fail($"Integrity: client {w.ClientId}'s {w.Request} was committed twice (again at {Zxid.Format(e.Zxid)})");
            else
            {
                var expected = model.Apply(w.Request);
                if (w.Outcome == WriteOutcome.Acked)
                {
                    if (w.Zxid != e.Zxid) Fail($"Write: client {w.ClientId}'s {w.Request} was answered for {Zxid.Format(w.Zxid)} but committed at {Zxid.Format(e.Zxid)}");
                    if (w.Result != expected) Fail($"Write: client {w.ClientId}'s {w.Request} was answered {w.Result}, ZooKeeper's rules give {expected} at {Zxid.Format(e.Zxid)}");
                }
            }
            CheckReadsUpTo(e.Zxid);
        }
        if (next < reads.Count) Fail($"Read: a read observed zxid {Zxid.Format(reads[next].Zxid)}, which is not in the committed history");
        if (acked.FirstOrDefault(w => !committedRequests.Contains(w)) is { } orphan)
            Fail($"Write: client {orphan.ClientId} was answered for {orphan.Request} at {Zxid.Format(orphan.Zxid)}, but that txn is another request's");
        foreach (var s in sim.Servers.Values)
            if (model.DifferenceFrom(s.Machine!.Tree) is { } diff)
                Fail($"State: server {s.Id}'s DataTree differs from the reference model after the whole history: {diff}");
    }

    /// <summary>Acknowledged writes commit in an order that respects real time: if w1 returned before w2 was invoked, w1's zxid is lower.</summary>
    private static void CheckRealTimeOrder(Simulation.Simulation sim)
    {
        var acked = sim.Writes.Where(w => w.Outcome == WriteOutcome.Acked).ToList();
        var byReturn = acked.OrderBy(w => w.ReturnedAt).ToList();
        var i = 0;
        WriteRecord? latest = null;
        foreach (var w in acked.OrderBy(w => w.InvokedAt))
        {
            for (; i < byReturn.Count && byReturn[i].ReturnedAt < w.InvokedAt; i++)
                if (latest is null || byReturn[i].Zxid > latest.Zxid) latest = byReturn[i];
            if (latest is not null && latest.Zxid >= w.Zxid)
                Fail($"Real-time order: client {latest.ClientId}'s {latest.Request} returned at {latest.ReturnedAt} ms with {Zxid.Format(latest.Zxid)}, " +
                     $"but client {w.ClientId}'s {w.Request}, invoked later at {w.InvokedAt} ms, committed earlier at {Zxid.Format(w.Zxid)}");
        }
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
        foreach (var group in sim.Writes.Where(w => w.Request.Path.StartsWith("/kv/", StringComparison.Ordinal) && w.Outcome != WriteOutcome.Pending)
                     .GroupBy(w => w.Request.Path))
        {
            var ops = group.Select(w => new Operation<ZNodeInput, ZNodeOutput?>(
                w.ClientId,
                new ZNodeInput(w.Request.Op, w.Request.Data, w.Request.Version),
                w.InvokedAt,
                w.Outcome == WriteOutcome.Acked ? new ZNodeOutput(w.Result.Code, w.Request.Op == SimOp.SetData ? w.Result.Version : 0) : null,
                w.Outcome == WriteOutcome.Acked ? w.ReturnedAt : null)).ToList();
            var verdict = LinearizabilityChecker.Check(model, ops);
            if (verdict == LinearizabilityVerdict.Illegal)
                Fail($"Linearizability: the {ops.Count} writes to {group.Key} have no legal linear order");
            if (verdict == LinearizabilityVerdict.Inconclusive) sim.LinearizabilityInconclusive++;
        }
    }
}
