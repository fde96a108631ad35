namespace Corral.Zab;

/// <summary>
/// Fast leader election (FastLeaderElection.lookForLeader), driven by ticks instead of a blocking poll.
/// Votes are ordered by (peerEpoch, zxid, server id); a quorum of equal votes that survives the
/// finalize wait decides; FOLLOWING/LEADING notifications let a late peer join an existing leader.
/// </summary>
public sealed partial class ZabPeer
{
    private sealed record ReceivedVote(Vote Vote, long ElectionEpoch, PeerState State);

    private long _logicalClock;
    private Vote _proposal;
    private readonly Dictionary<int, ReceivedVote> _recvSet = new();
    private readonly Dictionary<int, ReceivedVote> _outOfElection = new();
    private long _currentVoteElectionEpoch;
    private long _nextNotificationAt;
    private int _notificationInterval;
    private long _finalizeAt = -1;

    /// <summary>The vote a peer starts each election with: itself, its durable log tail, its currentEpoch.</summary>
    private Vote InitialVote => IsObserver ? Vote.None : new Vote(Id, _log.LastZxid, CurrentEpoch);

    /// <summary>Drops whatever role the peer had and starts a new election round.</summary>
    private void BecomeLooking(string reason)
    {
        State = PeerState.Looking;
        LastTransition = reason;
        _leader = null;
        _learner = null;
        _logicalClock++;
        _recvSet.Clear();
        _outOfElection.Clear();
        _finalizeAt = -1;
        _proposal = InitialVote;
        CurrentVote = _proposal;
        _currentVoteElectionEpoch = _logicalClock;
        if (!IsObserver) _recvSet[Id] = new ReceivedVote(_proposal, _logicalClock, PeerState.Looking);
        _notificationInterval = _options.MinNotificationIntervalTicks;
        BroadcastNotifications();
        TryQuorumOfLookingVotes();
    }

    private void BroadcastNotifications()
    {
        foreach (var voter in _quorum.Voters)
            if (voter != Id) SendNotification(voter);
        _nextNotificationAt = _now + _notificationInterval;
    }

    private void SendNotification(int to) => _ready.Send(new ZabMessage
    {
        Type = ZabMessageType.Notification, From = Id, To = to,
        State = State, Vote = State == PeerState.Looking ? _proposal : CurrentVote,
        ElectionEpoch = State == PeerState.Looking ? _logicalClock : _currentVoteElectionEpoch,
    });

    private void TickElection()
    {
        if (_finalizeAt >= 0 && _now >= _finalizeAt)
        {
            Decide(_proposal, _logicalClock, "finalize wait passed with a quorum of equal votes");
            return;
        }
        if (_now >= _nextNotificationAt)
        {
            // Nothing decided yet: resend, backing off like notTimeout.
            _notificationInterval = Math.Min(_notificationInterval * 2, _options.MaxNotificationIntervalTicks);
            BroadcastNotifications();
        }
    }

    /// <summary>totalOrderPredicate: does the new vote beat the current one?</summary>
    private bool Beats(Vote n, Vote cur)
    {
        if (!_quorum.IsVoter(n.Leader)) return false;
        return n.PeerEpoch > cur.PeerEpoch ||
               (n.PeerEpoch == cur.PeerEpoch && (n.Zxid > cur.Zxid || (n.Zxid == cur.Zxid && n.Leader > cur.Leader)));
    }

    /// <summary>Vote.equals: with a LOOKING side compare everything, otherwise only leader and peerEpoch (ZOOKEEPER-1805).</summary>
    private static bool SameVote(ReceivedVote a, ReceivedVote b) =>
        a.State == PeerState.Looking || b.State == PeerState.Looking
            ? a.Vote == b.Vote && a.ElectionEpoch == b.ElectionEpoch
            : a.Vote.Leader == b.Vote.Leader && a.Vote.PeerEpoch == b.Vote.PeerEpoch;

    private bool QuorumAgrees(Dictionary<int, ReceivedVote> votes, ReceivedVote target) =>
        _quorum.IsQuorum(votes.Where(kv => SameVote(kv.Value, target)).Select(kv => kv.Key));

    /// <summary>checkLeader: someone else must have told us it is LEADING; for ourselves the round must match.</summary>
    private bool CheckLeader(Dictionary<int, ReceivedVote> votes, long leader, long electionEpoch)
    {
        if (leader != Id)
            return leader is >= int.MinValue and <= int.MaxValue && votes.TryGetValue((int)leader, out var v) && v.State == PeerState.Leading;
        return _logicalClock == electionEpoch;
    }

    private void OnNotification(ZabMessage n)
    {
        // A non-voter (observer) looking for the leader gets our current view back (WorkerReceiver). ZooKeeper
        // answers every non-voter message; answering an OBSERVING observer's own reply as well ping-pongs at
        // network speed while we stay LOOKING (the simulator's seed 611 livelocked on it), so we do not.
        if (!_quorum.IsVoter(n.From))
        {
            if (n.State == PeerState.Looking) SendNotification(n.From);
            return;
        }
        if (State != PeerState.Looking)
        {
            if (n.State == PeerState.Looking) SendNotification(n.From);
            return;
        }

        switch (n.State)
        {
            case PeerState.Looking:
                OnLookingNotification(n);
                break;
            case PeerState.Following or PeerState.Leading:
                OnEstablishedNotification(n);
                break;
        }
    }

    private void OnLookingNotification(ZabMessage n)
    {
        if (n.ElectionEpoch < _logicalClock)
        {
            // Help a voter from an older round catch up. An observer's vote is worth nothing to a voter, and a
            // voter answers a LOOKING observer every time, so an observer answering back would ping-pong (seed 2698).
            if (!IsObserver) SendNotification(n.From);
            return;
        }
        if (n.ElectionEpoch > _logicalClock)
        {
            _logicalClock = n.ElectionEpoch;
            _recvSet.Clear();
            _outOfElection.Clear();
            _proposal = Beats(n.Vote, InitialVote) ? n.Vote : InitialVote;
            _finalizeAt = -1;
            if (!IsObserver) _recvSet[Id] = new ReceivedVote(_proposal, _logicalClock, PeerState.Looking);
            _notificationInterval = _options.MinNotificationIntervalTicks;
            BroadcastNotifications();
        }
        else if (Beats(n.Vote, _proposal))
        {
            _proposal = n.Vote;
            _finalizeAt = -1;
            if (!IsObserver) _recvSet[Id] = new ReceivedVote(_proposal, _logicalClock, PeerState.Looking);
            BroadcastNotifications();
        }
        _recvSet[n.From] = new ReceivedVote(n.Vote, n.ElectionEpoch, PeerState.Looking);
        TryQuorumOfLookingVotes();
    }

    /// <summary>Starts the finalize wait once a quorum holds our proposal in this round.</summary>
    private void TryQuorumOfLookingVotes()
    {
        if (_finalizeAt >= 0) return;
        if (QuorumAgrees(_recvSet, new ReceivedVote(_proposal, _logicalClock, PeerState.Looking)))
            _finalizeAt = _now + _options.FinalizeWaitTicks;
    }

    private void OnEstablishedNotification(ZabMessage n)
    {
        var vote = new ReceivedVote(n.Vote, n.ElectionEpoch, n.State);
        if (n.ElectionEpoch == _logicalClock)
        {
            _recvSet[n.From] = vote;
            if (QuorumAgrees(_recvSet, vote) && CheckLeader(_recvSet, n.Vote.Leader, n.ElectionEpoch))
            {
                Decide(n.Vote, n.ElectionEpoch, $"quorum in round {n.ElectionEpoch} follows {n.Vote.Leader}");
                return;
            }
        }
        _outOfElection[n.From] = vote;
        if (QuorumAgrees(_outOfElection, vote) && CheckLeader(_outOfElection, n.Vote.Leader, n.ElectionEpoch))
        {
            _logicalClock = n.ElectionEpoch;
            Decide(n.Vote, n.ElectionEpoch, $"joined established leader {n.Vote.Leader}");
        }
    }

    private void Decide(Vote vote, long electionEpoch, string reason)
    {
        _finalizeAt = -1;
        CurrentVote = vote;
        _currentVoteElectionEpoch = electionEpoch;
        if (vote.Leader == Id)
        {
            State = PeerState.Leading;
            LastTransition = reason;
            StartLeading();
        }
        else
        {
            State = IsObserver ? PeerState.Observing : PeerState.Following;
            LastTransition = reason;
            StartLearning((int)vote.Leader);
        }
    }

    /// <summary>updateElectionVote: once synced, report the new epoch so every member shows the same vote (ZOOKEEPER-1732).</summary>
    private void UpdateElectionVote(long epoch) => CurrentVote = CurrentVote with { PeerEpoch = epoch };
}
