using Corral.Zab.Tests.Checkers;

namespace Corral.Zab.Tests.Simulation;

public sealed class SimulationOptions
{
    public ulong Seed { get; init; }
    /// <summary>The fault mix; drawn from the seed when null.</summary>
    public FaultPlan? Plan { get; init; }
    /// <summary>Random crashes and partitions in the safety phase. Scripted scenarios turn this off and drive faults themselves.</summary>
    public bool RandomFaults { get; init; } = true;
    public bool RandomClients { get; init; } = true;
    /// <summary>0 = silent, 1 = faults, role changes, sync modes and client results, 2 = also every message.</summary>
    public int TraceLevel { get; init; }
    public TextWriter? TraceWriter { get; init; }
    internal InjectedBug Bugs { get; init; }
    /// <summary>Injected host bug: every server applies a Ready's committed txns in reverse order.</summary>
    internal bool ApplyOutOfOrder { get; init; }
    internal long CounterLimit { get; init; } = 0xffffffffL;
}

/// <summary>
/// A whole ensemble and its clients in one process on one seeded PRNG: simulated clock, network and
/// disks, crashes and restarts. The same seed replays the same run exactly. Random runs use
/// <see cref="Run"/>; scripted scenarios use the control methods (Crash, Restart, SubmitWrite, RunUntil…).
/// </summary>
public sealed partial class Simulation
{
    public const int TickMs = 50;
    public const int WriteTimeoutMs = 1500;
    /// <summary>Guards a multi-seed run against one seed that never ends; normal seeds use well under 100,000.</summary>
    public const long MaxEvents = 1_000_000;

    private readonly SimulationOptions _options;
    private readonly PriorityQueue<Action, (long, long)> _events = new();
    private long _eventSeq;
    private readonly SimRandom _faultRng, _clientRng, _diskRng, _tickRng;
    private readonly SimServer.Hooks _hooks;
    private long _bootNonce;
    private bool _faultsActive;
    private bool _clientsActive;
    private long _livenessStart = long.MaxValue;

    public Simulation(SimulationOptions options)
    {
        _options = options;
        var master = new SimRandom(options.Seed);
        Plan = options.Plan ?? FaultPlan.Draw(master.Fork());
        Network = new SimNetwork(master.Fork()) { Faults = Plan };
        _faultRng = master.Fork();
        _clientRng = master.Fork();
        _diskRng = master.Fork();
        _tickRng = master.Fork();
        Checker = new ZabInvariantChecker(new TreeStateMachine().Digest());
        var voters = Enumerable.Range(1, Plan.Voters).ToArray();
        var observers = Enumerable.Range(Plan.Voters + 1, Plan.Observers).ToArray();
        foreach (var id in voters.Concat(observers))
        {
            var myId = id;
            Servers[id] = new SimServer(id, () => new ZabOptions
            {
                MyId = myId, Voters = voters, Observers = observers,
                InjectedBugs = options.Bugs, CounterLimit = options.CounterLimit,
            }, () => Now) { SnapshotEvery = Plan.SnapshotEvery, ApplyOutOfOrder = options.ApplyOutOfOrder };
        }
        _hooks = new SimServer.Hooks
        {
            Applied = OnApplied,
            SnapshotInstalled = (s, snap) => Checker.OnResume(s.Id, snap.Zxid, s.Machine!.Digest()),
            Logged = OnLogged,
            Send = m => { Trace(2, $"send {m}"); CountSync(m); Network.Send(m, Now, ScheduleDelivery); },
            Crash = s => CrashNow(s.Id, "mid-Ready"),
            Observe = (s, r) => ReadyObserver?.Invoke(s, r),
        };
    }

    public ulong Seed => _options.Seed;
    public FaultPlan Plan { get; }
    public long Now { get; private set; }
    public SimNetwork Network { get; }
    public ZabInvariantChecker Checker { get; }
    public SortedDictionary<int, SimServer> Servers { get; } = new();
    public List<SimClient> Clients { get; } = [];
    public List<WriteRecord> Writes { get; } = [];
    public List<ReadRecord> Reads { get; } = [];
    public Dictionary<SyncMode, int> SyncCounts { get; } = new() { [SyncMode.Diff] = 0, [SyncMode.Trunc] = 0, [SyncMode.Snap] = 0 };
    public int Crashes { get; private set; }
    /// <summary>Partitions (symmetric or asymmetric) started in the safety phase.</summary>
    public int Partitions { get; private set; }
    public long EventsProcessed { get; private set; }
    public int LinearizabilityInconclusive { get; set; }
    /// <summary>Scripted scenarios: when set, every delivered message is recorded here in delivery order.</summary>
    public List<ZabMessage>? DeliveryLog { get; set; }
    /// <summary>Scripted scenarios: sees every Ready before the server carries it out.</summary>
    public Action<SimServer, Ready>? ReadyObserver { get; set; }

    public SimServer Server(int id) => Servers[id];

    /// <summary>The established leader with the highest epoch among running servers, if any.</summary>
    public SimServer? Leader => Servers.Values.Where(s => s.Peer is { EstablishedLeaderEpoch: >= 0 })
        .OrderByDescending(s => s.Peer!.EstablishedLeaderEpoch).FirstOrDefault();

    // ---- event loop ----

    public void Schedule(long at, Action action) => _events.Enqueue(action, (Math.Max(at, Now), _eventSeq++));

    /// <summary>Processes events until <paramref name="condition"/> holds (checked after each event) or the time budget ends.</summary>
    public bool RunUntil(Func<bool> condition, long maxMs)
    {
        var deadline = Now + maxMs;
        if (condition()) return true;
        while (_events.TryPeek(out _, out var when) && when.Item1 <= deadline)
        {
            _events.Dequeue()();
            if (++EventsProcessed > MaxEvents)
                throw new InvariantViolationException($"Runaway: more than {MaxEvents} events (a message storm or a livelock)");
            if (condition()) return true;
        }
        Now = Math.Max(Now, deadline);
        return condition();
    }

    public void RunFor(long ms) => RunUntil(() => false, ms);

    private void Enqueue(long at, Action action) => Schedule(at, () => { Now = Math.Max(Now, at); action(); });

    private void Trace(int level, string line)
    {
        if (_options.TraceLevel >= level) _options.TraceWriter?.WriteLine($"{Now,7}ms {line}");
    }

    // ---- servers ----

    /// <summary>Starts every server (scripted scenarios may start a subset).</summary>
    public void StartAll(IEnumerable<int>? ids = null)
    {
        foreach (var id in ids ?? Servers.Keys) Restart(id);
    }

    /// <summary>A quiet ensemble for scripted scenarios: no random faults or clients, fast reliable links.</summary>
    internal static Simulation Scripted(int voters = 3, int snapshotEvery = 1000, int observers = 0, long counterLimit = 0xffffffffL,
        InjectedBug bugs = InjectedBug.None, TextWriter? trace = null) =>
        new(new SimulationOptions
        {
            Seed = 1, RandomFaults = false, RandomClients = false, CounterLimit = counterLimit, Bugs = bugs,
            TraceLevel = trace is null ? 0 : 2, TraceWriter = trace,
            Plan = new FaultPlan { Voters = voters, Observers = observers, Clients = 0, MinDelayMs = 1, MaxDelayMs = 2, SnapshotEvery = snapshotEvery },
        });

    /// <summary>Every running server serves, under one leader.</summary>
    public bool AllServing(IEnumerable<int>? ids = null)
    {
        var leader = Leader;
        return leader is not null && (ids ?? Servers.Keys).All(id => Servers[id].Peer is { IsServing: true } p && p.LeaderId == leader.Id);
    }

    public void Restart(int id)
    {
        var s = Servers[id];
        if (s.IsUp) return;
        s.Start(++_bootNonce);
        Checker.OnResume(id, s.Machine!.LastZxid, s.Machine.Digest());
        Trace(1, $"server {id} starts: log to {Zxid.Format(s.Peer!.LastLoggedZxid)}, snapshot {Zxid.Format(s.Peer.SnapshotZxid)}, " +
                 $"acceptedEpoch {s.Peer.AcceptedEpoch}, currentEpoch {s.Peer.CurrentEpoch}");
        var incarnation = s.Incarnation;
        Enqueue(Now + 1 + _tickRng.Next(TickMs), () => TickServer(id, incarnation));
        AfterInput(s);
    }

    private void TickServer(int id, int incarnation)
    {
        var s = Servers[id];
        if (!s.IsUp || s.Incarnation != incarnation) return;
        s.Peer!.Tick();
        AfterInput(s);
        Enqueue(Now + TickMs, () => TickServer(id, incarnation));
    }

    /// <summary>Crashes a server now: the disk keeps only what was synced (plus a random part of the rest).</summary>
    public void Crash(int id) => CrashNow(id, "scripted");

    private void CrashNow(int id, string why)
    {
        var s = Servers[id];
        if (!s.IsUp) return;
        Crashes++;
        foreach (var c in Clients.Where(c => c.ServerId == id).ToList()) Disconnect(c);
        s.Stop(_diskRng);
        Trace(1, $"server {id} CRASHES ({why}); disk keeps log to {(s.Disk.Log.Count > 0 ? Zxid.Format(s.Disk.Log[^1].Zxid) : "snapshot " + Zxid.Format(s.Disk.SnapshotData.Zxid))}");
        if (_faultsActive) Enqueue(Now + _faultRng.Next(100, Plan.MaxDowntimeMs + 1), () => { if (_faultsActive) Restart(id); });
    }

    private void ScheduleDelivery(long at, ZabMessage m) => Enqueue(at, () => Deliver(m));

    private void Deliver(ZabMessage m)
    {
        var s = Servers[m.To];
        if (!s.IsUp || !Network.CanDeliver(m)) return;
        Trace(2, $"recv {m}");
        DeliveryLog?.Add(m);
        s.Peer!.Step(m);
        AfterInput(s);
    }

    /// <summary>Delivers a message now, bypassing the network (scripted scenarios).</summary>
    public void Inject(ZabMessage m) => Deliver(m);

    private readonly Dictionary<int, (PeerState, long, bool)> _lastRole = new();

    /// <summary>After any input: carry out the Ready, then check leadership and client connections.</summary>
    private void AfterInput(SimServer s)
    {
        if (!s.Drain(_hooks) || !s.IsUp) return;
        var p = s.Peer!;
        var epoch = p.EstablishedLeaderEpoch;
        if (epoch >= 0 && epoch != s.EstablishedEpoch) Checker.OnEstablished(s.Id, epoch, p.SnapshotZxid, p.Log);
        s.EstablishedEpoch = epoch;
        var role = (p.State, p.CurrentEpoch, p.IsServing);
        if (_lastRole.GetValueOrDefault(s.Id) != role)
        {
            _lastRole[s.Id] = role;
            Trace(1, $"server {s.Id} is {p.State}{(p.IsServing ? " serving" : "")} currentEpoch={p.CurrentEpoch} " +
                     $"last={Zxid.Format(p.LastLoggedZxid)} committed={Zxid.Format(p.CommittedZxid)}: {p.LastTransition}");
        }
        if (s.WasServing && !p.IsServing)
            foreach (var c in Clients.Where(c => c.ServerId == s.Id).ToList()) Disconnect(c);
        s.WasServing = p.IsServing;
    }

    private void OnLogged(SimServer s, LogEntry e)
    {
        var p = s.Peer!;
        if (p.State == PeerState.Leading && p.EstablishedLeaderEpoch == Zxid.EpochOf(e.Zxid)) Checker.OnProposed(s.Id, e);
    }

    private void CountSync(ZabMessage m)
    {
        switch (m.Type)
        {
            case ZabMessageType.Diff: SyncCounts[SyncMode.Diff]++; break;
            case ZabMessageType.Trunc: SyncCounts[SyncMode.Trunc]++; Trace(1, $"sync {m}"); break;
            case ZabMessageType.Snap: SyncCounts[SyncMode.Snap]++; Trace(1, $"sync {m}"); break;
        }
    }

    private void OnApplied(SimServer s, LogEntry e, SimResult result)
    {
        Checker.OnApplied(s.Id, e, s.Machine!.Digest());
        if (!s.PendingWrites.Remove(TreeStateMachine.RequestOf(e.Payload), out var record)) return;
        // The reply travels back to the client; the request is now complete on this server.
        var zxid = e.Zxid;
        Enqueue(Now + 1, () => CompleteWrite(record, result, zxid));
    }
}
