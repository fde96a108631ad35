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
            Servers[sid].PendingWrites.Remove((c.Id, w.Txn.RequestId));
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
        if (w.Txn.Op == SimOp.CloseSession) c.SessionId = NewSessionId(); // the client gives up on that session either way
        Trace(1, $"client {c.Id} {w.Txn}: outcome unknown");
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
        var key = Keys[_clientRng.Next(Keys.Length)];
        var r = _clientRng.Next(100);
        if (r < 30)
        {
            Read(c, key);
            WakeLater(c, _clientRng.Next(5, 60));
            return;
        }
        var (op, path, data, version, eph, seq) = r switch
        {
            < 40 => (SimOp.Create, key, $"c{c.Id}r{c.NextRequestId}", -1, false, false),
            < 60 => (SimOp.SetData, key, $"c{c.Id}r{c.NextRequestId}", c.KnownVersions.GetValueOrDefault(key, 0), false, false),
            < 70 => (SimOp.SetData, key, $"c{c.Id}r{c.NextRequestId}", -1, false, false),
            < 77 => (SimOp.Delete, key, "", c.KnownVersions.TryGetValue(key, out var v) ? v : -1, false, false),
            < 85 => (SimOp.Create, "/seq/n-", $"c{c.Id}", -1, false, true),
            < 97 => (SimOp.Create, $"/eph/c{c.Id}-{c.EphemeralCounter++}", "", -1, true, false),
            _ => (SimOp.CloseSession, "", "", -1, false, false),
        };
        SubmitWrite(c, new SimTxn(c.Id, c.SessionId, c.NextRequestId++, op, path, data, version, eph, seq));
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
        var w = SubmitWrite(c, serverId, op, path, data, version, ephemeral);
        if (w is not null) RunUntil(() => w.Outcome != WriteOutcome.Pending, WriteTimeoutMs + 100);
        return w;
    }

    /// <summary>Scripted scenarios: a write from client <paramref name="c"/> through server <paramref name="serverId"/>.</summary>
    public WriteRecord? SubmitWrite(SimClient c, int serverId, SimOp op, string path, string data = "", int version = -1, bool ephemeral = false, bool sequential = false)
    {
        c.ServerId = serverId;
        return SubmitWrite(c, new SimTxn(c.Id, c.SessionId, c.NextRequestId++, op, path, data, version, ephemeral, sequential));
    }

    /// <summary>Submits a write through the client's server; returns null if the server refused it (nothing was proposed).</summary>
    private WriteRecord? SubmitWrite(SimClient c, SimTxn txn)
    {
        var s = Servers[c.ServerId!.Value];
        if (s.Peer is null) return null;
        var record = new WriteRecord(c.Id, txn, Now);
        c.Outstanding = record;
        s.PendingWrites[(c.Id, txn.RequestId)] = record;
        var result = s.Peer.Propose(txn.Encode());
        if (result is ProposeResult.NotServing or ProposeResult.CounterExhausted)
        {
            s.PendingWrites.Remove((c.Id, txn.RequestId));
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
            if (c.ServerId is { } sid) Servers[sid].PendingWrites.Remove((c.Id, txn.RequestId));
            MarkUnknown(c, record);
            if (c.Generation == gen) Disconnect(c);
        });
        AfterInput(s);
        return record;
    }

    private void CompleteWrite(WriteRecord w, TxnResult result, long zxid)
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
        var t = w.Txn;
        if (t.Op == SimOp.CloseSession) c.SessionId = NewSessionId();
        if (t.Path.StartsWith("/kv/", StringComparison.Ordinal) && result.Code == SimError.Ok)
        {
            if (t.Op == SimOp.Delete) c.KnownVersions.Remove(t.Path); else c.KnownVersions[t.Path] = result.Version;
        }
        if (Now >= _livenessStart) c.LivenessWriteDone = true;
        Trace(1, $"client {c.Id} {t}: {result.Code}{(result.Path is { } p && p != t.Path ? " " + p : "")} at {Zxid.Format(zxid)}");
        if (_clientsActive) WakeLater(c, _clientRng.Next(5, 60));
    }
}
