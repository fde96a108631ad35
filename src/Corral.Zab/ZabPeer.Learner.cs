namespace Corral.Zab;

/// <summary>
/// The learner side (Learner.registerWithLeader, syncWithLeader, Follower/Observer loops).
/// The durability order at NEWLEADER is the heart of it: snapshot or truncation, then the committed
/// sync txns appended and fsynced, then currentEpoch, then the ACK (ZOOKEEPER-3911, 4643, 4646);
/// uncommitted ones stay in memory until UPTODATE (ZOOKEEPER-4394).
/// </summary>
public sealed partial class ZabPeer
{
    private LearnerState? _learner;

    private void StartLearning(int leaderId)
    {
        _learner = new LearnerState(leaderId, NewConnId(), _now);
        SendLearnerInfo(_learner);
    }

    /// <summary>
    /// Opens a connection to the leader with FOLLOWERINFO/OBSERVERINFO. The leader may not have decided yet
    /// (its election can finish a moment after ours), so until LEADERINFO arrives the learner retries on a
    /// fresh connection, as Learner.connectToLeader retries the socket.
    /// </summary>
    private void SendLearnerInfo(LearnerState l)
    {
        l.ConnId = NewConnId();
        l.NextSendSeq = 0;
        l.NextRecvSeq = 0;
        SendToLeader(new ZabMessage
        {
            Type = IsObserver ? ZabMessageType.ObserverInfo : ZabMessageType.FollowerInfo,
            From = Id, To = l.LeaderId, Zxid = Zxid.Make(AcceptedEpoch, 0), Epoch = AcceptedEpoch,
        });
    }

    private void SendToLeader(ZabMessage m)
    {
        var l = _learner!;
        _ready.Send(m with { ConnId = l.ConnId, Seq = l.NextSendSeq++ });
    }

    private void TickLearner()
    {
        var l = _learner!;
        if (l.Phase == LearnerPhase.Connecting && (_now - l.LastHeard) % _options.PingIntervalTicks == 0)
            SendLearnerInfo(l);
        var limit = l.Phase >= LearnerPhase.AwaitingUpToDate ? _options.SyncLimitTicks : _options.InitLimitTicks;
        if (_now - l.LastHeard > limit) BecomeLooking($"no packet from leader {l.LeaderId} within the limit");
    }

    private void OnLearnerMessage(ZabMessage m)
    {
        var l = _learner!;
        if (m.From != l.LeaderId || m.ConnId != l.ConnId || m.Seq < l.NextRecvSeq) return;
        if (m.Seq > l.NextRecvSeq)
        {
            BecomeLooking($"lost packets from leader {l.LeaderId}");
            return;
        }
        l.NextRecvSeq++;
        l.LastHeard = _now;

        var error = m.Type switch
        {
            ZabMessageType.LeaderInfo => OnLeaderInfo(l, m),
            ZabMessageType.Diff or ZabMessageType.Trunc or ZabMessageType.Snap => OnSyncMode(l, m),
            ZabMessageType.Proposal => OnProposal(l, m),
            ZabMessageType.Commit => OnCommit(l, m),
            ZabMessageType.Inform => OnInform(l, m),
            ZabMessageType.NewLeader => OnNewLeader(l, m),
            ZabMessageType.UpToDate => OnUpToDate(l),
            ZabMessageType.Ping => Reply(ZabMessageType.Ping, m.Zxid),
            _ => $"unexpected {m.Type}",
        };
        if (error is not null) BecomeLooking($"sync with leader {l.LeaderId} failed: {error}");

        string? Reply(ZabMessageType type, long zxid)
        {
            SendToLeader(new ZabMessage { Type = type, From = Id, To = l.LeaderId, Zxid = zxid });
            return null;
        }
    }

    /// <summary>Step 4 of discovery: promise the new epoch (durably) and report where our log ends.</summary>
    private string? OnLeaderInfo(LearnerState l, ZabMessage m)
    {
        if (l.Phase != LearnerPhase.Connecting) return "LEADERINFO outside discovery";
        var newEpoch = Zxid.EpochOf(m.Zxid);
        long reportedEpoch;
        if (newEpoch > AcceptedEpoch)
        {
            PersistAcceptedEpoch(newEpoch);
            reportedEpoch = CurrentEpoch;
        }
        else if (newEpoch == AcceptedEpoch) reportedEpoch = -1;
        else return $"leader's epoch {newEpoch} is less than our acceptedEpoch {AcceptedEpoch}";
        l.NewEpoch = newEpoch;
        l.Phase = LearnerPhase.AwaitingSync;
        SendToLeader(new ZabMessage { Type = ZabMessageType.AckEpoch, From = Id, To = l.LeaderId, Zxid = _log.LastZxid, Epoch = reportedEpoch });
        return null;
    }

    private string? OnSyncMode(LearnerState l, ZabMessage m)
    {
        if (l.Phase != LearnerPhase.AwaitingSync) return $"{m.Type} outside synchronisation";
        l.Phase = LearnerPhase.Syncing;
        l.ModeZxid = m.Zxid;
        switch (m.Type)
        {
            case ZabMessageType.Snap:
                if (m.Snapshot is null || m.Snapshot.Zxid != m.Zxid) return "SNAP without a matching snapshot";
                l.Mode = SyncMode.Snap;
                l.Snapshot = m.Snapshot;
                break;
            case ZabMessageType.Trunc:
                if (m.Zxid < CommittedZxid) return $"TRUNC to {Zxid.Format(m.Zxid)} would remove committed txns up to {Zxid.Format(CommittedZxid)}";
                if (!_log.Contains(m.Zxid)) return $"TRUNC to {Zxid.Format(m.Zxid)}, which is not in our log";
                l.Mode = SyncMode.Trunc;
                break;
            default:
                l.Mode = SyncMode.Diff;
                break;
        }
        return null;
    }

    /// <summary>The log position the sync stream continues from.</summary>
    private long SyncBase(LearnerState l) => l.Mode switch
    {
        SyncMode.Snap => l.Snapshot!.Zxid,
        SyncMode.Trunc => l.ModeZxid,
        _ => _log.LastZxid,
    };

    private string? OnProposal(LearnerState l, ZabMessage m)
    {
        if (IsObserver && l.Phase == LearnerPhase.Broadcast) return null; // observers learn through INFORM
        if (m.Payload is null || Zxid.IsEpochStart(m.Zxid)) return "malformed PROPOSAL";
        var entry = new LogEntry(m.Zxid, m.Payload);
        if (l.Phase == LearnerPhase.Broadcast)
        {
            if (m.Zxid <= _log.LastZxid) return $"PROPOSAL {Zxid.Format(m.Zxid)} is not after our last zxid {Zxid.Format(_log.LastZxid)}";
            AppendToLog(entry);
            SendToLeader(new ZabMessage { Type = ZabMessageType.Ack, From = Id, To = l.LeaderId, Zxid = m.Zxid });
            return null;
        }
        if (l.Phase is not (LearnerPhase.Syncing or LearnerPhase.AwaitingUpToDate)) return "PROPOSAL before the sync mode";
        // enforceContinuousProposal (ZOOKEEPER-4925): within one epoch zxids must be consecutive.
        var prev = l.NotLogged.Count > 0 ? l.NotLogged[^1].Zxid : (l.Phase == LearnerPhase.Syncing ? SyncBase(l) : _log.LastZxid);
        if (m.Zxid <= prev) return $"PROPOSAL {Zxid.Format(m.Zxid)} does not follow {Zxid.Format(prev)}";
        if (Zxid.EpochOf(m.Zxid) == Zxid.EpochOf(prev) && m.Zxid != prev + 1)
            return $"gap in proposals: {Zxid.Format(prev)} then {Zxid.Format(m.Zxid)}";
        l.NotLogged.Add(entry);
        return null;
    }

    private string? OnCommit(LearnerState l, ZabMessage m)
    {
        if (IsObserver && l.Phase == LearnerPhase.Broadcast) return null;
        if (l.Phase == LearnerPhase.Broadcast)
        {
            if (m.Zxid <= CommittedZxid) return null;
            if (_log.Find(m.Zxid) is null) return $"COMMIT {Zxid.Format(m.Zxid)} for a txn we never logged";
            CommitUpTo(m.Zxid);
            return null;
        }
        if (l.Phase is not (LearnerPhase.Syncing or LearnerPhase.AwaitingUpToDate)) return "COMMIT before the sync mode";
        if (l.NotLogged.All(e => e.Zxid != m.Zxid)) return $"COMMIT {Zxid.Format(m.Zxid)} without its PROPOSAL";
        l.CommittedInStream = Math.Max(l.CommittedInStream, m.Zxid);
        return null;
    }

    private string? OnInform(LearnerState l, ZabMessage m)
    {
        if (!IsObserver || m.Payload is null) return "INFORM to a follower";
        if (l.Phase == LearnerPhase.Broadcast)
        {
            if (m.Zxid <= _log.LastZxid) return null;
            AppendToLog(new LogEntry(m.Zxid, m.Payload));
            CommitUpTo(m.Zxid);
            return null;
        }
        if (l.Phase is not (LearnerPhase.Syncing or LearnerPhase.AwaitingUpToDate)) return "INFORM before the sync mode";
        // Between NEWLEADER and UPTODATE an INFORM is a committed txn for the stream.
        var prev = l.NotLogged.Count > 0 ? l.NotLogged[^1].Zxid : (l.Phase == LearnerPhase.Syncing ? SyncBase(l) : _log.LastZxid);
        if (m.Zxid <= prev) return null;
        l.NotLogged.Add(new LogEntry(m.Zxid, m.Payload));
        l.CommittedInStream = Math.Max(l.CommittedInStream, m.Zxid);
        return null;
    }

    /// <summary>
    /// NEWLEADER: make the synced history durable under the new epoch, in the required order, then ACK.
    /// The Ready built here carries snapshot/truncation, appends with MustSync, currentEpoch, then the ACK.
    /// </summary>
    private string? OnNewLeader(LearnerState l, ZabMessage m)
    {
        if (l.Phase != LearnerPhase.Syncing) return "NEWLEADER outside synchronisation";
        if (m.Zxid != Zxid.Make(l.NewEpoch, 0)) return $"NEWLEADER for epoch {Zxid.EpochOf(m.Zxid)} but LEADERINFO said {l.NewEpoch}";

        switch (l.Mode)
        {
            case SyncMode.Snap:
                _log.ResetTo(l.Snapshot!.Zxid);
                _ready.InstallSnapshot(l.Snapshot);
                CommittedZxid = l.Snapshot.Zxid;
                break;
            case SyncMode.Trunc:
                _log.TruncateAfter(l.ModeZxid);
                _ready.Truncate(l.ModeZxid);
                break;
        }
        // Everything the leader sent as committed is logged now; the rest waits for UPTODATE.
        var logged = 0;
        var deferLogging = (_options.InjectedBugs & InjectedBug.AckNewLeaderBeforeLoggingSyncTxns) != 0;
        foreach (var e in l.NotLogged)
        {
            if (deferLogging || e.Zxid > l.CommittedInStream) break;
            AppendToLog(e);
            logged++;
        }
        l.NotLogged.RemoveRange(0, logged);
        l.SyncCommitZxid = _log.LastZxid;
        PersistCurrentEpoch(l.NewEpoch);
        l.Phase = LearnerPhase.AwaitingUpToDate;
        SendToLeader(new ZabMessage { Type = ZabMessageType.Ack, From = Id, To = l.LeaderId, Zxid = Zxid.Make(l.NewEpoch, 0) });
        return null;
    }

    /// <summary>UPTODATE: the leader serves, so the synced history is committed; log the rest and ACK it normally.</summary>
    private string? OnUpToDate(LearnerState l)
    {
        if (l.Phase != LearnerPhase.AwaitingUpToDate) return "UPTODATE before NEWLEADER";
        l.Phase = LearnerPhase.Broadcast;
        CommitUpTo(l.SyncCommitZxid);
        foreach (var e in l.NotLogged)
        {
            if (e.Zxid <= _log.LastZxid) continue;
            AppendToLog(e);
            if (!IsObserver)
                SendToLeader(new ZabMessage { Type = ZabMessageType.Ack, From = Id, To = l.LeaderId, Zxid = e.Zxid });
        }
        l.NotLogged.Clear();
        if (l.CommittedInStream > CommittedZxid && _log.Contains(l.CommittedInStream)) CommitUpTo(l.CommittedInStream);
        UpdateElectionVote(l.NewEpoch);
        LastTransition = $"up to date with leader {l.LeaderId} in epoch {l.NewEpoch}";
        return null;
    }
}
