using Corral.Zab.Tests.Simulation;

namespace Corral.Zab.Tests.Checkers;

/// <summary>Thrown at the step where an invariant breaks, so the failure points at its cause, not at a later symptom.</summary>
public sealed class InvariantViolationException(string message) : Exception(message);

/// <summary>
/// Zab's safety properties checked online, at every apply (TigerBeetle's state_checker idea):
/// one established leader per epoch (Leadership2); every delivered txn was proposed by a leader with
/// that zxid (Integrity); every replica's delivered sequence is a prefix of one global sequence
/// (PrefixConsistency, Agreement, TotalOrder; zxids strictly increase along it, which is primary
/// order); replicas at the same zxid have equal tree digests; a restart or snapshot install
/// resumes at a point of that sequence with the matching digest (nothing committed is lost).
/// </summary>
public sealed class ZabInvariantChecker
{
    private readonly List<LogEntry> _order = [];
    private readonly Dictionary<long, int> _indexOf = new();
    private readonly Dictionary<long, ulong> _digestAt = new();
    private readonly Dictionary<int, int> _position = new();
    private readonly Dictionary<long, int> _epochLeader = new();
    private readonly Dictionary<long, byte[]> _proposed = new();

    public ZabInvariantChecker(ulong emptyDigest) => _digestAt[0] = emptyDigest;

    /// <summary>The one global delivery order every replica must follow.</summary>
    public IReadOnlyList<LogEntry> GlobalOrder => _order;
    public IReadOnlyDictionary<long, int> EpochLeaders => _epochLeader;
    public int IndexOf(long zxid) => _indexOf.TryGetValue(zxid, out var i) ? i : -2;

    private static void Fail(string message) => throw new InvariantViolationException(message);

    /// <summary>
    /// A leader has just been established in <paramref name="epoch"/> with a history (its snapshot point and log).
    /// No epoch is ever established twice, by another server or by the same one again. The history must hold
    /// every txn delivered anywhere so far: a committed txn is never lost by a change of leader (Zab's
    /// initial-history property).
    /// </summary>
    public void OnEstablished(int server, long epoch, long snapshotZxid, IReadOnlyList<LogEntry> log)
    {
        if (_epochLeader.TryGetValue(epoch, out var existing))
            Fail($"Leadership: epoch {epoch} was established by server {existing} and established again by server {server}");
        _epochLeader[epoch] = server;
        if (_order.Count == 0) return;
        var last = _order[^1];
        if (last.Zxid <= snapshotZxid) return; // the snapshot point itself sits on the global order (OnResume)
        for (var i = log.Count - 1; i >= 0 && log[i].Zxid >= last.Zxid; i--)
            if (log[i].Zxid == last.Zxid && log[i].Payload.AsSpan().SequenceEqual(last.Payload)) return;
        var tail = log.Count > 0 ? log[^1].Zxid : snapshotZxid;
        Fail($"Lost committed txn: server {server} was established leader of epoch {epoch} with a history ending at {Zxid.Format(tail)} " +
             $"that lacks {Zxid.Format(last.Zxid)}, already delivered");
    }

    /// <summary>A leader logged a new proposal of its own epoch.</summary>
    public void OnProposed(int server, LogEntry e)
    {
        if (_proposed.TryGetValue(e.Zxid, out var p) && !p.AsSpan().SequenceEqual(e.Payload))
            Fail($"Integrity: zxid {Zxid.Format(e.Zxid)} was proposed twice with different txns (second by server {server})");
        _proposed[e.Zxid] = e.Payload;
    }

    /// <summary>A replica (re)started from a snapshot or installed one: it must sit on the global order with the right digest.</summary>
    public void OnResume(int server, long zxid, ulong digest)
    {
        int pos;
        if (zxid == 0) pos = -1;
        else if (!_indexOf.TryGetValue(zxid, out pos))
        {
            Fail($"Recovery: server {server} resumed from a snapshot at {Zxid.Format(zxid)}, which was never delivered anywhere");
            return;
        }
        if (_digestAt[zxid] != digest)
            Fail($"Digest: server {server} resumed at {Zxid.Format(zxid)} with digest {digest:x16}, expected {_digestAt[zxid]:x16}");
        _position[server] = pos;
    }

    public void OnApplied(int server, LogEntry e, ulong digest)
    {
        if (!_proposed.TryGetValue(e.Zxid, out var proposed))
            Fail($"Integrity: server {server} delivered {Zxid.Format(e.Zxid)}, which no leader proposed");
        else if (!proposed.AsSpan().SequenceEqual(e.Payload))
            Fail($"Integrity: server {server} delivered {Zxid.Format(e.Zxid)} with a txn different from the one proposed");

        var pos = _position.GetValueOrDefault(server, -1) + 1;
        if (pos < _order.Count)
        {
            var expected = _order[pos];
            if (expected.Zxid != e.Zxid || !expected.Payload.AsSpan().SequenceEqual(e.Payload))
                Fail($"PrefixConsistency: server {server} delivered {Zxid.Format(e.Zxid)} as txn #{pos + 1}, but #{pos + 1} is {Zxid.Format(expected.Zxid)} " +
                     $"(it follows {(pos > 0 ? Zxid.Format(_order[pos - 1].Zxid) : "the empty state")})");
        }
        else
        {
            if (_order.Count > 0 && e.Zxid <= _order[^1].Zxid)
                Fail($"PrimaryOrder: {Zxid.Format(e.Zxid)} delivered after {Zxid.Format(_order[^1].Zxid)}");
            _order.Add(e);
            _indexOf[e.Zxid] = pos;
            _digestAt[e.Zxid] = digest;
        }
        if (_digestAt[e.Zxid] != digest)
            Fail($"Digest: server {server} has digest {digest:x16} at {Zxid.Format(e.Zxid)}, expected {_digestAt[e.Zxid]:x16}");
        _position[server] = pos;
    }
}
