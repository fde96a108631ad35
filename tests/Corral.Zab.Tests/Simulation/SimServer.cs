namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// One simulated server: the Zab peer, its disk and its replica of the state machine, plus the client
/// requests it is waiting to answer. It carries out each <see cref="Ready"/> in the order the contract
/// gives, and can crash between any two steps of it.
/// </summary>
public sealed class SimServer
{
    private readonly Func<ZabOptions> _options;
    private readonly Func<long> _clock;
    private int _appliedSinceSnapshot;

    /// <param name="clock">Simulated time, which the leader stamps into the txns it prepares.</param>
    public SimServer(int id, Func<ZabOptions> options, Func<long> clock)
    {
        Id = id;
        _options = options;
        _clock = clock;
        Disk = new SimDisk(new TreeStateMachine().Snapshot());
    }

    public int Id { get; }
    public SimDisk Disk { get; }
    public ZabPeer? Peer { get; private set; }
    public TreeStateMachine? Machine { get; private set; }
    public bool IsUp => Peer is not null;
    public int Incarnation { get; private set; }
    public bool WasServing { get; set; }
    /// <summary>The epoch this server was an established leader of when last checked, or -1: a change is a new establishment.</summary>
    public long EstablishedEpoch { get; set; } = -1;
    public int SnapshotEvery { get; set; } = 1000;
    /// <summary>Fault injection: crash after this many more Ready steps.</summary>
    public int? CrashAfterSteps { get; set; }
    /// <summary>Injected host bug (test-only): apply a Ready's committed txns last to first.</summary>
    public bool ApplyOutOfOrder { get; set; }
    /// <summary>Pending client writes on this server: (session, cxid) → record.</summary>
    public Dictionary<(long, int), WriteRecord> PendingWrites { get; } = new();

    public void Start(long bootNonce)
    {
        var state = Disk.Load();
        Machine = new TreeStateMachine(_clock);
        Machine.Restore(Disk.SnapshotData.Zxid, Disk.SnapshotData.Data);
        _appliedSinceSnapshot = 0;
        Incarnation++;
        var machine = Machine;
        Peer = new ZabPeer(_options(), state, () => new SnapshotData(machine.LastZxid, machine.Snapshot()), bootNonce, machine.Prepare);
        WasServing = false;
    }

    public void Stop(SimRandom rng)
    {
        Peer = null;
        Machine = null;
        PendingWrites.Clear();
        CrashAfterSteps = null;
        WasServing = false;
        EstablishedEpoch = -1;
        Disk.Crash(rng);
    }

    /// <summary>Hooks the simulation supplies: apply observer, send, and the checker callbacks.</summary>
    public sealed class Hooks
    {
        public required Action<SimServer, LogEntry, SimResult> Applied { get; init; }
        public required Action<SimServer, SnapshotData> SnapshotInstalled { get; init; }
        public required Action<SimServer, LogEntry> Logged { get; init; }
        public required Action<ZabMessage> Send { get; init; }
        public required Action<SimServer> Crash { get; init; }
        public required Action<SimServer, Ready> Observe { get; init; }
    }

    /// <summary>Carries out every Ready the peer has, advancing it after each. Returns false if the server crashed.</summary>
    public bool Drain(Hooks hooks)
    {
        while (Peer is { HasReady: true } peer)
        {
            var ready = peer.GetReady();
            hooks.Observe(this, ready);
            if (!Execute(ready, hooks)) return false;
            peer.Advance(ready);
            if (_appliedSinceSnapshot >= SnapshotEvery && Machine!.LastZxid == peer.AppliedZxid && peer.AppliedZxid > Disk.SnapshotData.Zxid)
            {
                // Compaction: snapshot the applied state, purge the log it covers.
                Disk.Compact(new SnapshotData(Machine.LastZxid, Machine.Snapshot()));
                peer.CompactLog(Machine.LastZxid);
                _appliedSinceSnapshot = 0;
            }
        }
        return true;
    }

    private bool StepOk(Hooks hooks)
    {
        if (CrashAfterSteps is not { } n) return true;
        if (n > 0)
        {
            CrashAfterSteps = n - 1;
            return true;
        }
        hooks.Crash(this);
        return false;
    }

    private bool Execute(Ready r, Hooks hooks)
    {
        if (r.InstallSnapshot is { } snap)
        {
            if (!StepOk(hooks)) return false;
            Disk.InstallSnapshot(snap);
            Machine!.Restore(snap.Zxid, snap.Data);
            hooks.SnapshotInstalled(this, snap);
        }
        if (r.TruncateAfterZxid is { } t)
        {
            if (!StepOk(hooks)) return false;
            Disk.TruncateAfter(t);
        }
        foreach (var e in r.Append)
        {
            if (!StepOk(hooks)) return false;
            Disk.Append(e);
            hooks.Logged(this, e);
        }
        if (r.MustSync)
        {
            if (!StepOk(hooks)) return false;
            Disk.Fsync();
        }
        if (r.AcceptedEpoch is { } ae)
        {
            if (!StepOk(hooks)) return false;
            Disk.AcceptedEpoch = ae;
        }
        if (r.CurrentEpoch is { } ce)
        {
            if (!StepOk(hooks)) return false;
            Disk.CurrentEpoch = ce;
        }
        foreach (var e in ApplyOutOfOrder ? r.Committed.Reverse() : r.Committed)
        {
            if (!StepOk(hooks)) return false;
            var result = Machine!.Apply(e.Zxid, e.Payload);
            _appliedSinceSnapshot++;
            hooks.Applied(this, e, result);
        }
        foreach (var m in r.Messages)
        {
            if (!StepOk(hooks)) return false;
            hooks.Send(m);
        }
        return true;
    }
}
