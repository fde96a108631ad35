namespace Corral.Zab;

/// <summary>
/// The leader: discovery (a new epoch agreed by a quorum), synchronisation of each learner with
/// DIFF/TRUNC/SNAP, then broadcast (PROPOSAL, ACK, COMMIT on a quorum, INFORM to observers), with
/// pings and syncLimit failure detection throughout.
/// </summary>
public sealed partial class ZabPeer
{
    private LeaderState? _leader;

    private void StartLeading()
    {
        var l = _leader = new LeaderState(_now)
        {
            PhaseDeadline = _now + _options.InitLimitTicks,
            StateSummaryEpoch = CurrentEpoch,
            StateSummaryZxid = _log.LastZxid,
        };
        OnEpochCandidate(l, Id, AcceptedEpoch);
    }

    /// <summary>getEpochToPropose: newEpoch = 1 + max acceptedEpoch over a quorum of FOLLOWERINFO senders including the leader.</summary>
    private void OnEpochCandidate(LeaderState l, int sid, long lastAcceptedEpoch)
    {
        if (!l.WaitingForNewEpoch) return;
        if ((_options.InjectedBugs & InjectedBug.NewEpochNotIncremented) != 0) l.Epoch = Math.Max(l.Epoch, Math.Max(lastAcceptedEpoch, 1));
        else if (lastAcceptedEpoch >= l.Epoch) l.Epoch = lastAcceptedEpoch + 1;
        if (_quorum.IsVoter(sid)) l.ConnectingFollowers.Add(sid);
        if (!l.ConnectingFollowers.Contains(Id) || !_quorum.IsQuorum(l.ConnectingFollowers)) return;

        l.WaitingForNewEpoch = false;
        PersistAcceptedEpoch(l.Epoch);
        l.PhaseDeadline = _now + _options.InitLimitTicks;
        foreach (var h in l.Handlers.Values.Where(h => h.Stage == HandlerStage.AwaitingEpochDecision).ToList())
            SendLeaderInfo(l, h);
        OnEpochAck(l, Id, CurrentEpoch, _log.LastZxid);
    }

    private void SendLeaderInfo(LeaderState l, LearnerHandler h)
    {
        h.Stage = HandlerStage.AwaitingAckEpoch;
        SendToLearner(h, new ZabMessage { Type = ZabMessageType.LeaderInfo, From = Id, To = h.Sid, Zxid = Zxid.Make(l.Epoch, 0) });
    }

    /// <summary>waitForEpochAck: a learner ahead of the leader aborts leadership; a quorum moves to synchronisation.</summary>
    private void OnEpochAck(LeaderState l, int sid, long peerCurrentEpoch, long peerLastZxid)
    {
        if (l.Phase != LeaderPhase.Discovery) return;
        if (peerCurrentEpoch != -1 &&
            (peerCurrentEpoch > l.StateSummaryEpoch || (peerCurrentEpoch == l.StateSummaryEpoch && peerLastZxid > l.StateSummaryZxid)))
        {
            BecomeLooking($"follower {sid} is ahead of the leader (epoch {peerCurrentEpoch}, zxid {Zxid.Format(peerLastZxid)})");
            return;
        }
        if (_quorum.IsVoter(sid)) l.ElectingFollowers.Add(sid);
        if (!l.ElectingFollowers.Contains(Id) || !_quorum.IsQuorum(l.ElectingFollowers)) return;

        // The leader holds the new epoch's history from now on; this must be durable before NEWLEADER ACKs count.
        PersistCurrentEpoch(l.Epoch);
        l.Phase = LeaderPhase.Synchronization;
        l.PhaseDeadline = _now + _options.InitLimitTicks;
        l.NewLeaderAcks.Add(Id);
        foreach (var h in l.Handlers.Values.Where(h => h.Stage == HandlerStage.AwaitingSync).ToList())
            SyncLearner(l, h);
        TryEstablish(l);
    }

    /// <summary>
    /// Queues the whole sync stream for one learner: the mode packet, the history as PROPOSAL+COMMIT,
    /// outstanding proposals (participants only), then NEWLEADER. The learner starts receiving broadcasts here.
    /// </summary>
    private void SyncLearner(LeaderState l, LearnerHandler h)
    {
        var historyEnd = l.Phase == LeaderPhase.Broadcast ? l.LastCommitted : _log.LastZxid;
        var plan = SyncPlanner.Plan(_log, historyEnd, h.PeerLastZxid, _options.InjectedBugs);
        var sendAfter = plan.SendAfter;
        switch (plan.Mode)
        {
            case SyncMode.Snap:
                var snapshot = _captureSnapshot();
                if (snapshot.Zxid != AppliedZxid)
                    throw new InvalidOperationException($"snapshot source returned {Zxid.Format(snapshot.Zxid)} but {Zxid.Format(AppliedZxid)} is applied");
                sendAfter = snapshot.Zxid;
                SendToLearner(h, new ZabMessage { Type = ZabMessageType.Snap, From = Id, To = h.Sid, Zxid = snapshot.Zxid, Snapshot = snapshot });
                break;
            case SyncMode.Trunc:
                SendToLearner(h, new ZabMessage { Type = ZabMessageType.Trunc, From = Id, To = h.Sid, Zxid = plan.Zxid });
                break;
            default:
                SendToLearner(h, new ZabMessage { Type = ZabMessageType.Diff, From = Id, To = h.Sid, Zxid = plan.Zxid });
                break;
        }
        foreach (var e in _log.Range(sendAfter, historyEnd))
        {
            SendToLearner(h, new ZabMessage { Type = ZabMessageType.Proposal, From = Id, To = h.Sid, Zxid = e.Zxid, Payload = e.Payload });
            SendToLearner(h, new ZabMessage { Type = ZabMessageType.Commit, From = Id, To = h.Sid, Zxid = e.Zxid });
        }
        if (!h.IsObserver)
            foreach (var p in l.Outstanding.Values)
                SendToLearner(h, new ZabMessage { Type = ZabMessageType.Proposal, From = Id, To = h.Sid, Zxid = p.Entry.Zxid, Payload = p.Entry.Payload });
        h.Forwarding = true;
        h.Stage = HandlerStage.Syncing;
        SendToLearner(h, new ZabMessage { Type = ZabMessageType.NewLeader, From = Id, To = h.Sid, Zxid = Zxid.Make(l.Epoch, 0) });
    }

    /// <summary>waitForNewLeaderAck: once a quorum holds the history under the new epoch, commit it and start serving.</summary>
    private void TryEstablish(LeaderState l)
    {
        if (l.Phase != LeaderPhase.Synchronization || !_quorum.IsQuorum(l.NewLeaderAcks)) return;
        l.Phase = LeaderPhase.Broadcast;
        l.LastProposed = Zxid.Make(l.Epoch, 0);
        l.LastCommitted = _log.LastZxid;
        CommitUpTo(_log.LastZxid);
        UpdateElectionVote(l.Epoch);
        LastTransition = $"established epoch {l.Epoch}";
        foreach (var h in l.Handlers.Values.Where(h => h.NewLeaderAcked).ToList())
            SendUpToDate(h);
    }

    private void SendUpToDate(LearnerHandler h)
    {
        h.Stage = HandlerStage.UpToDate;
        SendToLearner(h, new ZabMessage { Type = ZabMessageType.UpToDate, From = Id, To = h.Sid, Zxid = -1 });
    }

    private ProposeResult LeaderPropose(byte[] payload)
    {
        var l = _leader!;
        var counter = Zxid.CounterOf(l.LastProposed) + 1;
        if (counter >= _options.CounterLimit)
        {
            BecomeLooking("zxid lower 32 bits would roll over; forcing a new epoch");
            return ProposeResult.CounterExhausted;
        }
        var zxid = Zxid.Make(l.Epoch, counter);
        // The request becomes a txn only now, when its zxid is fixed and every earlier proposal is known.
        if (_prepareTxn is not null) payload = _prepareTxn(zxid, payload);
        var entry = new LogEntry(zxid, payload);
        l.LastProposed = entry.Zxid;
        l.Outstanding[entry.Zxid] = new OutstandingProposal(entry);
        AppendToLog(entry); // our own ACK is counted in Advance, after the fsync
        foreach (var h in l.Handlers.Values)
            if (h.Forwarding && !h.IsObserver)
                SendToLearner(h, new ZabMessage { Type = ZabMessageType.Proposal, From = Id, To = h.Sid, Zxid = entry.Zxid, Payload = payload });
        return ProposeResult.Proposed;
    }

    /// <summary>processAck + tryToCommit: commit strictly in zxid order once a quorum has logged a proposal.</summary>
    private void OnAck(int sid, long zxid)
    {
        var l = _leader;
        if (l is not { Phase: LeaderPhase.Broadcast } || Zxid.IsEpochStart(zxid) || zxid <= l.LastCommitted) return;
        if (!l.Outstanding.TryGetValue(zxid, out var p)) return;
        if (sid != Id && !_quorum.IsVoter(sid)) return;
        p.Acks.Add(sid);
        while (l.Outstanding.Count > 0)
        {
            var first = l.Outstanding.First();
            var enough = (_options.InjectedBugs & InjectedBug.CommitWithoutQuorum) != 0
                ? first.Value.Acks.Contains(Id)
                : _quorum.IsQuorum(first.Value.Acks);
            if (!enough) break;
            l.Outstanding.Remove(first.Key);
            l.LastCommitted = first.Key;
            CommitUpTo(first.Key);
            foreach (var h in l.Handlers.Values)
            {
                if (!h.Forwarding) continue;
                SendToLearner(h, h.IsObserver
                    ? new ZabMessage { Type = ZabMessageType.Inform, From = Id, To = h.Sid, Zxid = first.Key, Payload = first.Value.Entry.Payload }
                    : new ZabMessage { Type = ZabMessageType.Commit, From = Id, To = h.Sid, Zxid = first.Key });
            }
        }
    }

    private void OnLeaderMessage(ZabMessage m)
    {
        var l = _leader!;
        if (m.Type is ZabMessageType.FollowerInfo or ZabMessageType.ObserverInfo)
        {
            if (m.Seq != 0 || !l.SeenConnIds.Add(m.ConnId)) return; // a duplicate or late copy of a connection we know
            var isObserver = m.Type == ZabMessageType.ObserverInfo;
            if (isObserver != _quorum.IsObserver(m.From)) return; // a learner must connect in its configured role
            if (!l.WaitingForNewEpoch && m.Epoch > l.Epoch)
            {
                // The learner promised a newer epoch (to a leader that never established it) and can never follow
                // ours; while we keep a quorum it would stay out forever. ZooKeeper's answer is the optional
                // zookeeper.leader.maxTimeToWaitForEpoch; we quit at once so the next election picks an epoch it accepts.
                BecomeLooking($"learner {m.From} promised epoch {m.Epoch}, newer than ours ({l.Epoch})");
                return;
            }
            var h = new LearnerHandler(m.From, isObserver, m.ConnId, m.Epoch, _now);
            l.Handlers[m.From] = h; // a reconnect replaces the old connection
            if (l.WaitingForNewEpoch) OnEpochCandidate(l, m.From, m.Epoch);
            if (_leader != l) return;
            if (!l.WaitingForNewEpoch && h.Stage == HandlerStage.AwaitingEpochDecision) SendLeaderInfo(l, h);
            return;
        }

        if (!l.Handlers.TryGetValue(m.From, out var handler) || handler.ConnId != m.ConnId) return;
        if (m.Seq < handler.NextRecvSeq) return; // duplicate
        if (m.Seq > handler.NextRecvSeq)
        {
            l.Handlers.Remove(m.From); // lost packets: the connection is broken
            return;
        }
        handler.NextRecvSeq++;
        handler.LastHeard = _now;

        switch (m.Type)
        {
            case ZabMessageType.AckEpoch when handler.Stage == HandlerStage.AwaitingAckEpoch:
                handler.PeerLastZxid = m.Zxid;
                handler.Stage = HandlerStage.AwaitingSync;
                OnEpochAck(l, m.From, m.Epoch, m.Zxid);
                if (_leader == l && l.Phase != LeaderPhase.Discovery && handler.Stage == HandlerStage.AwaitingSync)
                    SyncLearner(l, handler);
                break;
            case ZabMessageType.Ack when Zxid.IsEpochStart(m.Zxid):
                // The NEWLEADER ACK (and the ACK after UPTODATE, which is ignored).
                if (m.Zxid != Zxid.Make(l.Epoch, 0) || handler.Stage != HandlerStage.Syncing || handler.NewLeaderAcked) break;
                handler.NewLeaderAcked = true;
                if (l.Phase == LeaderPhase.Broadcast) SendUpToDate(handler);
                else
                {
                    if (!handler.IsObserver) l.NewLeaderAcks.Add(m.From);
                    TryEstablish(l);
                }
                break;
            case ZabMessageType.Ack when !handler.IsObserver:
                OnAck(m.From, m.Zxid);
                break;
            case ZabMessageType.Request when m.Payload is not null && l.Phase == LeaderPhase.Broadcast:
                LeaderPropose(m.Payload);
                break;
        }
    }

    private void TickLeader()
    {
        var l = _leader!;
        // Learners that went quiet are disconnected (tickOfNextAckDeadline).
        foreach (var h in l.Handlers.Values.ToList())
        {
            var limit = h.NewLeaderAcked ? _options.SyncLimitTicks : _options.InitLimitTicks + _options.SyncLimitTicks;
            if (_now - h.LastHeard > limit) l.Handlers.Remove(h.Sid);
        }
        if (l.Phase != LeaderPhase.Broadcast)
        {
            if (_now > l.PhaseDeadline) BecomeLooking($"{l.Phase} did not reach a quorum within initLimit");
        }
        else
        {
            var synced = l.Handlers.Values.Where(h => h.NewLeaderAcked && !h.IsObserver).Select(h => h.Sid).Append(Id);
            if (!_quorum.IsQuorum(synced))
            {
                BecomeLooking("not enough followers synced within syncLimit");
                return;
            }
        }
        if (_leader == l && _now >= l.NextPingAt)
        {
            l.NextPingAt = _now + _options.PingIntervalTicks;
            foreach (var h in l.Handlers.Values)
                SendToLearner(h, new ZabMessage { Type = ZabMessageType.Ping, From = Id, To = h.Sid, Zxid = l.LastProposed });
        }
    }

    private void SendToLearner(LearnerHandler h, ZabMessage m) =>
        _ready.Send(m with { ConnId = h.ConnId, Seq = h.NextSendSeq++ });
}
