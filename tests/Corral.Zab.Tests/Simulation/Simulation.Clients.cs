using Corral.Protocol;

namespace Corral.Zab.Tests.Simulation;

/// <summary>Simulated clients: connect with a lastZxidSeen guard, issue reads and writes, time out, reconnect.</summary>
public sealed partial class Simulation
{
    private static readonly string[] Keys = ["/kv/k0", "/kv/k1", "/kv/k2", "/kv/k3"];
    private long _sessionCounter;

    public SimClient AddClient()
    {
        var c = new SimClient(Clients.Count + 1, NewSessionId());
        Clients.Add(c);
        return c;
    }

    private long NewSessionId() => 0x1000 + ++_sessionCounter;

    private void StartRandomClients()
    {
        _clientsActive = true;
        for (var i = 0; i < Plan.Clients; i++)
        {
            var c = AddClient();
            WakeLater(c, _clientRng.Next(1, 200));
        }
    }

    private void WakeLater(SimClient c, long delay)
    {
        var gen = c.Generation;
        Enqueue(Now + delay, () => { if (c.Generation == gen) ClientWake(c); });
    }

    /// <summary>A connection drop: an unanswered write becomes "outcome unknown".</summary>
    private void Disconnect(SimClient c)
    {
        if (c.ServerId is { } sid && c.Outstanding is { } w)
        {
            Servers[sid].PendingWrites.Remove((w.Request.SessionId, w.Request.Cxid));
            MarkUnknown(c, w);
        }
        c.ServerId = null;
        c.Generation++;
        if (_clientsActive) WakeLater(c, _clientRng.Next(20, 200));
    }

    private void MarkUnknown(SimClient c, WriteRecord w)
    {
        if (w.Outcome != WriteOutcome.Pending) return;
        w.Outcome = WriteOutcome.Unknown;
        c.Outstanding = null;
        if (w.Request.Op == SimOp.CloseSession) c.StartNewSession(NewSessionId()); // the client gives up on that session either way
        Trace(1, $"client {c.Id} {w.Request}: outcome unknown");
    }

    /// <summary>Finds a serving replica that is not behind what the client has seen (ZooKeeper refuses such a connect).</summary>
    private bool EnsureConnected(SimClient c)
    {
        if (c.ServerId is { } sid && Servers[sid].Peer is { IsServing: true }) return true;
        var candidates = Servers.Values.Where(s => s.Peer is { IsServing: true } && s.Machine!.LastZxid >= c.LastZxidSeen).ToList();
        if (candidates.Count == 0) return false;
        c.ServerId = _clientRng.Pick(candidates).Id;
        return true;
    }

    private void ClientWake(SimClient c)
    {
        if (!_clientsActive || c.Outstanding is not null) return;
        if (Now >= _livenessStart && c.LivenessWriteDone) return; // converging: this client is finished
        if (!EnsureConnected(c))
        {
            WakeLater(c, 100);
            return;
        }
        if (!c.SessionCreated)
        {
            // A new session is created through the commit path before the client does anything else.
            SubmitWrite(c, NewRequest(c, SimOp.CreateSession, ""));
            return;
        }
        var key = Keys[_clientRng.Next(Keys.Length)];
        var r = _clientRng.Next(100);
        if (r < 30)
        {
            Read(c, key);
            WakeLater(c, _clientRng.Next(5, 60));
            return;
        }
        if (r >= 90 && r < 97)
        {
            SubmitWrite(c, RandomMulti(c));
            return;
        }
        var data = $"c{c.Id}r{c.NextCxid}";
        var request = r switch
        {
            < 40 => NewRequest(c, SimOp.Create, key, data),
            < 55 => NewRequest(c, SimOp.SetData, key, data, c.KnownVersions.GetValueOrDefault(key, 0)),
            < 63 => NewRequest(c, SimOp.SetData, key, data),
            < 70 => NewRequest(c, SimOp.Delete, key, version: c.KnownVersions.TryGetValue(key, out var v) ? v : -1),
            < 78 => NewRequest(c, SimOp.Create, "/seq/n-", $"c{c.Id}", sequential: true),
            < 90 => NewRequest(c, SimOp.Create, $"/eph/c{c.Id}-{c.EphemeralCounter++}", ephemeral: true),
            _ => NewRequest(c, SimOp.CloseSession, ""),
        };
        SubmitWrite(c, request);
    }

    private SimRequest NewRequest(SimClient c, SimOp op, string path, string data = "", int version = -1, bool ephemeral = false, bool sequential = false,
        IReadOnlyList<SimRequest>? ops = null) =>
        new(c.Id, c.SessionId, c.NextCxid++, op, path, data, version, ephemeral, sequential, ops);

    private static readonly string[] MultiKeys = ["/mk/a", "/mk/b"];

    /// <summary>A multi over two znodes: both created, a check guarding a set, two conditional sets, or both deleted.</summary>
    private SimRequest RandomMulti(SimClient c)
    {
        var data = $"c{c.Id}r{c.NextCxid}";
        int Known(string path) => c.KnownVersions.TryGetValue(path, out var v) ? v : _clientRng.Next(-1, 2);
        SimRequest Op(SimOp op, string path, string d = "", int version = -1) => new(c.Id, c.SessionId, 0, op, path, d, version);
        List<SimRequest> ops = _clientRng.Next(4) switch
        {
            0 => [Op(SimOp.Create, MultiKeys[0], data), Op(SimOp.Create, MultiKeys[1], data)],
            1 => [Op(SimOp.Check, MultiKeys[0], version: Known(MultiKeys[0])), Op(SimOp.SetData, MultiKeys[1], data)],
            2 => [Op(SimOp.SetData, MultiKeys[0], data, Known(MultiKeys[0])), Op(SimOp.SetData, MultiKeys[1], data, Known(MultiKeys[1]))],
            _ => [Op(SimOp.Delete, MultiKeys[0]), Op(SimOp.Delete, MultiKeys[1])],
        };
        return NewRequest(c, SimOp.Multi, "", ops: ops);
    }

    private void Read(SimClient c, string path)
    {
        var s = Servers[c.ServerId!.Value];
        var result = s.Machine!.Read(path);
        var zxid = s.Machine.LastZxid;
        Reads.Add(new ReadRecord(c.Id, c.SessionId, path, result, zxid, Now, c.LastZxidSeen, c.LastAckedWriteZxid, s.Id));
        c.LastZxidSeen = Math.Max(c.LastZxidSeen, zxid);
        if (result.Exists) c.KnownVersions[path] = result.Version; else c.KnownVersions.Remove(path);
    }

    /// <summary>Scripted scenarios: submit a write and run until it is answered or times out; null if refused outright.</summary>
    public WriteRecord? WriteAndWait(SimClient c, int serverId, SimOp op, string path, string data = "", int version = -1, bool ephemeral = false)
    {
        EnsureSession(c, serverId);
        var w = SubmitWrite(c, serverId, op, path, data, version, ephemeral);
        if (w is not null) RunUntil(() => w.Outcome != WriteOutcome.Pending, WriteTimeoutMs + 100);
        return w;
    }

    /// <summary>
    /// Scripted scenarios: a write from client <paramref name="c"/> through server <paramref name="serverId"/>. A client
    /// without a session first creates one and waits for it (so a scenario's scripted write is the only one in flight).
    /// </summary>
    public WriteRecord? SubmitWrite(SimClient c, int serverId, SimOp op, string path, string data = "", int version = -1, bool ephemeral = false, bool sequential = false)
    {
        EnsureSession(c, serverId);
        c.ServerId = serverId;
        return SubmitWrite(c, NewRequest(c, op, path, data, version, ephemeral, sequential));
    }

    /// <summary>Scripted scenarios: creates the client's session through <paramref name="serverId"/> if it has none yet.</summary>
    public void EnsureSession(SimClient c, int serverId)
    {
        if (c.SessionCreated) return;
        c.ServerId = serverId;
        var w = SubmitWrite(c, NewRequest(c, SimOp.CreateSession, ""));
        if (w is not null) RunUntil(() => w.Outcome != WriteOutcome.Pending, WriteTimeoutMs + 100);
    }

    /// <summary>Submits a write through the client's server; returns null if the server refused it (nothing was proposed).</summary>
    private WriteRecord? SubmitWrite(SimClient c, SimRequest txn)
    {
        var s = Servers[c.ServerId!.Value];
        if (s.Peer is null) return null;
        var record = new WriteRecord(c.Id, txn, Now);
        c.Outstanding = record;
        s.PendingWrites[(txn.SessionId, txn.Cxid)] = record;
        var result = s.Peer.Propose(txn.Encode());
        if (result is ProposeResult.NotServing or ProposeResult.CounterExhausted)
        {
            s.PendingWrites.Remove((txn.SessionId, txn.Cxid));
            c.Outstanding = null;
            Trace(1, $"client {c.Id} {txn}: refused by server {s.Id} ({result})");
            AfterInput(s);
            Disconnect(c);
            return null;
        }
        Writes.Add(record);
        var gen = c.Generation;
        Enqueue(Now + WriteTimeoutMs, () =>
        {
            if (record.Outcome != WriteOutcome.Pending || c.Outstanding != record) return;
            if (c.ServerId is { } sid) Servers[sid].PendingWrites.Remove((txn.SessionId, txn.Cxid));
            MarkUnknown(c, record);
            if (c.Generation == gen) Disconnect(c);
        });
        AfterInput(s);
        return record;
    }

    private void CompleteWrite(WriteRecord w, SimResult result, long zxid)
    {
        if (w.Outcome != WriteOutcome.Pending) return;
        var c = Clients[w.ClientId - 1];
        w.Outcome = WriteOutcome.Acked;
        w.Result = result;
        w.Zxid = zxid;
        w.ReturnedAt = Now;
        c.Outstanding = null;
        c.LastZxidSeen = Math.Max(c.LastZxidSeen, zxid);
        c.LastAckedWriteZxid = Math.Max(c.LastAckedWriteZxid, zxid);
        var t = w.Request;
        if (t.Op == SimOp.CloseSession) c.StartNewSession(NewSessionId());
        if (t.Op == SimOp.CreateSession && t.SessionId == c.SessionId) c.SessionCreated = true;
        if (result.Code == ErrorCode.Ok)
            foreach (var op in t.Ops ?? [t])
            {
                if (op.Op == SimOp.Delete) c.KnownVersions.Remove(op.Path);
                else if (op.Op == SimOp.Create && !op.Sequential && !op.Ephemeral) c.KnownVersions[op.Path] = 0;
                else if (op.Op == SimOp.SetData) c.KnownVersions[op.Path] = t.Op == SimOp.Multi ? KnownAfterSet(c, op) : result.Version;
            }
        if (Now >= _livenessStart) c.LivenessWriteDone = true;
        Trace(1, $"client {c.Id} {t}: {result.Code}{(result.Path is { } p && p != t.Path ? " " + p : "")} at {Zxid.Format(zxid)}");
        if (_clientsActive) WakeLater(c, _clientRng.Next(5, 60));
    }

    // A multi's answer carries no versions: after a conditional set the version is one more than checked; after an unconditional one it is unknown.
    private static int KnownAfterSet(SimClient c, SimRequest op) => op.Version >= 0 ? op.Version + 1 : -1;
}
