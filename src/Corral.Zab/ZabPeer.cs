namespace Corral.Zab;

/// <summary>Result of <see cref="ZabPeer.Propose"/>.</summary>
public enum ProposeResult
{
    /// <summary>The leader assigned a zxid and broadcast the proposal.</summary>
    Proposed,
    /// <summary>A serving learner forwarded it to the leader as a REQUEST.</summary>
    Forwarded,
    /// <summary>The peer is not serving (looking, syncing, or a leader not yet established); nothing was sent.</summary>
    NotServing,
    /// <summary>The epoch's counter is exhausted; the leader stepped down to force a new epoch (ZOOKEEPER-1277).</summary>
    CounterExhausted,
}

/// <summary>
/// One Zab peer as a pure state machine, in the style of etcd raft's RawNode. Inputs are
/// <see cref="Tick"/>, <see cref="Step"/> (a message from another peer) and <see cref="Propose"/>; the
/// output is a <see cref="Ready"/> (what to persist, apply and send, in the order its comment gives),
/// acknowledged with <see cref="Advance"/>. It touches no clock, socket, thread or file, so every run is
/// a deterministic function of its inputs.
///
/// Roles: LOOKING runs fast leader election (ZabPeer.Election.cs); LEADING runs discovery, per-learner
/// synchronisation and broadcast (ZabPeer.Leader.cs); FOLLOWING and OBSERVING run the learner side
/// (ZabPeer.Learner.cs).
/// </summary>
public sealed partial class ZabPeer
{
    private readonly ZabOptions _options;
    private readonly QuorumVerifier _quorum;
    private readonly Func<SnapshotData> _captureSnapshot;
    private readonly Func<long, byte[], byte[]>? _prepareTxn;
    private readonly ReplicatedLog _log;
    private ReadyBuilder _ready = new();
    private readonly long _bootNonce;
    private long _connCounter;
    private long _now;

    /// <param name="options">Identity, membership and timing.</param>
    /// <param name="state">What the disk held at start-up.</param>
    /// <param name="captureSnapshot">Returns the state machine's current snapshot (everything this peer has
    /// applied); the leader calls it for a SNAP sync. It must be a pure read.</param>
    /// <param name="bootNonce">Distinct for every start of this server, so learner connection ids never repeat.</param>
    /// <param name="prepareTxn">Optional. When this peer leads, turns a client request (the payload given to
    /// <see cref="Propose"/> here or forwarded by a learner) into the txn proposed at the zxid just assigned, as
    /// ZooKeeper's PrepRequestProcessor does on the leader: <c>(zxid, request) => txn</c>. It is called in zxid
    /// order, once per zxid, and must see the state as it will be once every earlier proposal applies.
    /// It must not throw: a request it cannot accept becomes an error txn, as in ZooKeeper. Without it the
    /// payload is proposed as it is.</param>
    public ZabPeer(ZabOptions options, PersistentState state, Func<SnapshotData> captureSnapshot, long bootNonce,
        Func<long, byte[], byte[]>? prepareTxn = null)
    {
        _options = options;
        _quorum = new QuorumVerifier(options.Voters, options.Observers);
        if (!_quorum.IsMember(options.MyId)) throw new ArgumentException($"server {options.MyId} is not a member of the ensemble");
        if (state.AcceptedEpoch < state.CurrentEpoch)
            throw new InvalidOperationException($"acceptedEpoch {state.AcceptedEpoch} is less than currentEpoch {state.CurrentEpoch}");
        _captureSnapshot = captureSnapshot;
        _prepareTxn = prepareTxn;
        _bootNonce = bootNonce;
        _log = new ReplicatedLog(state.SnapshotZxid, state.Log);
        AcceptedEpoch = state.AcceptedEpoch;
        CurrentEpoch = state.CurrentEpoch;
        // ZooKeeper refuses to start when the log holds a zxid of an epoch after currentEpoch. That state is
        // legal here: a late joiner logs the committed sync txns (which may include txns of the new epoch), fsyncs,
        // and only then writes currentEpoch (ZOOKEEPER-4643); a crash in between leaves exactly this. Those txns
        // are committed history, and the older currentEpoch only makes this peer lose elections, so we start.
        // Only the snapshot is known to be committed after a restart; the log tail is decided by the next leader.
        CommittedZxid = AppliedZxid = state.SnapshotZxid;
        BecomeLooking("started");
    }

    public int Id => _options.MyId;
    public PeerState State { get; private set; }
    public long AcceptedEpoch { get; private set; }
    public long CurrentEpoch { get; private set; }
    /// <summary>Highest zxid known committed; entries up to it have been or are being handed out in <see cref="Ready.Committed"/>.</summary>
    public long CommittedZxid { get; private set; }
    /// <summary>Highest zxid the host has applied (acknowledged through <see cref="Advance"/>).</summary>
    public long AppliedZxid { get; private set; }
    public long LastLoggedZxid => _log.LastZxid;
    public long SnapshotZxid => _log.SnapshotZxid;
    public IReadOnlyList<LogEntry> Log => _log.Entries;
    public Vote CurrentVote { get; private set; }
    public bool IsObserver => _quorum.IsObserver(Id);
    public QuorumVerifier Quorum => _quorum;
    /// <summary>Why the peer last changed role; for traces.</summary>
    public string LastTransition { get; private set; } = "";
    public long Ticks => _now;

    /// <summary>True when this peer may serve clients: an established leader, or a learner after UPTODATE.</summary>
    public bool IsServing => State switch
    {
        PeerState.Leading => _leader is { Phase: LeaderPhase.Broadcast },
        PeerState.Following or PeerState.Observing => _learner is { Phase: LearnerPhase.Broadcast },
        _ => false,
    };

    /// <summary>The epoch this peer leads in broadcast, or -1.</summary>
    public long EstablishedLeaderEpoch => State == PeerState.Leading && _leader is { Phase: LeaderPhase.Broadcast } l ? l.Epoch : -1;

    /// <summary>The leader this peer follows or observes, or -1.</summary>
    public int LeaderId => State switch
    {
        PeerState.Leading => Id,
        PeerState.Following or PeerState.Observing when _learner is not null => _learner.LeaderId,
        _ => -1,
    };

    public bool HasReady => !_ready.IsEmpty;

    /// <summary>Takes everything accumulated since the last call. The caller must then follow the contract on <see cref="Ready"/> and call <see cref="Advance"/>.</summary>
    public Ready GetReady() => _ready.Build();

    /// <summary>
    /// Tells the peer that a Ready was carried out: its appends are durable and its committed entries applied.
    /// A leader counts its own ACK for a proposal here, after the fsync.
    /// </summary>
    public void Advance(Ready ready)
    {
        if (ready.InstallSnapshot is { } snap) AppliedZxid = snap.Zxid;
        if (ready.Committed.Count > 0) AppliedZxid = ready.Committed[^1].Zxid;
        if (State == PeerState.Leading && _leader is { Phase: LeaderPhase.Broadcast } leader)
            foreach (var e in ready.Append)
                if (Zxid.EpochOf(e.Zxid) == leader.Epoch) OnAck(Id, e.Zxid);
    }

    /// <summary>The host took a snapshot of everything applied up to <paramref name="zxid"/> and dropped older log entries.</summary>
    public void CompactLog(long zxid)
    {
        if (zxid > AppliedZxid) throw new InvalidOperationException($"cannot compact to {Zxid.Format(zxid)}: only {Zxid.Format(AppliedZxid)} is applied");
        _log.Compact(zxid);
    }

    /// <summary>Advances logical time by one tick: election resends and finalize waits, pings, and failure detection.</summary>
    public void Tick()
    {
        _now++;
        switch (State)
        {
            case PeerState.Looking: TickElection(); break;
            case PeerState.Leading: TickLeader(); break;
            default: TickLearner(); break;
        }
    }

    /// <summary>Feeds one message from the network. Unknown, stale and malformed messages are ignored or close the connection they belong to.</summary>
    public void Step(ZabMessage message)
    {
        if (message.To != Id || !_quorum.IsMember(message.From) || message.From == Id) return;
        if (message.Type == ZabMessageType.Notification)
        {
            OnNotification(message);
            return;
        }
        switch (State)
        {
            case PeerState.Leading: OnLeaderMessage(message); break;
            case PeerState.Following or PeerState.Observing: OnLearnerMessage(message); break;
        }
    }

    /// <summary>
    /// Submits a client request: opaque bytes, which the leader turns into the txn with <c>prepareTxn</c> when it
    /// assigns the zxid (or proposes as they are without it). Only an established leader assigns a zxid; a
    /// serving learner forwards the request.
    /// </summary>
    public ProposeResult Propose(byte[] payload)
    {
        switch (State)
        {
            case PeerState.Leading when _leader is { Phase: LeaderPhase.Broadcast }:
                return LeaderPropose(payload);
            case PeerState.Following or PeerState.Observing when _learner is { Phase: LearnerPhase.Broadcast } l:
                SendToLeader(new ZabMessage { Type = ZabMessageType.Request, From = Id, To = l.LeaderId, Payload = payload });
                return ProposeResult.Forwarded;
            default:
                return ProposeResult.NotServing;
        }
    }

    private long NewConnId() => (_bootNonce << 20) ^ ++_connCounter;

    private void PersistAcceptedEpoch(long epoch)
    {
        AcceptedEpoch = epoch;
        _ready.AcceptedEpoch(epoch);
    }

    private void PersistCurrentEpoch(long epoch)
    {
        CurrentEpoch = epoch;
        _ready.CurrentEpoch(epoch);
    }

    /// <summary>Hands every logged entry up to <paramref name="zxid"/> to the host for applying.</summary>
    private void CommitUpTo(long zxid)
    {
        if (zxid <= CommittedZxid) return;
        foreach (var e in _log.Range(CommittedZxid, zxid)) _ready.Commit(e);
        CommittedZxid = zxid;
    }

    private void AppendToLog(LogEntry entry)
    {
        _log.Append(entry);
        _ready.Append(entry);
    }
}
