namespace Corral.Zab;

internal enum LeaderPhase { Discovery, Synchronization, Broadcast }

internal enum HandlerStage { AwaitingEpochDecision, AwaitingAckEpoch, AwaitingSync, Syncing, UpToDate }

/// <summary>The leader's view of one learner connection (ZooKeeper's LearnerHandler, minus the thread).</summary>
internal sealed class LearnerHandler(int sid, bool isObserver, long connId, long acceptedEpoch, long now)
{
    public int Sid { get; } = sid;
    public bool IsObserver { get; } = isObserver;
    public long ConnId { get; } = connId;
    public long AcceptedEpoch { get; } = acceptedEpoch;
    public long NextSendSeq { get; set; }
    public long NextRecvSeq { get; set; } = 1; // FOLLOWERINFO was #0
    public long LastHeard { get; set; } = now;
    public HandlerStage Stage { get; set; } = HandlerStage.AwaitingEpochDecision;
    public long PeerLastZxid { get; set; }
    /// <summary>After startForwarding: new PROPOSAL/COMMIT (or INFORM) packets reach this learner.</summary>
    public bool Forwarding { get; set; }
    public bool NewLeaderAcked { get; set; }
}

/// <summary>One proposal waiting for a quorum of ACKs.</summary>
internal sealed class OutstandingProposal(LogEntry entry)
{
    public LogEntry Entry { get; } = entry;
    public HashSet<int> Acks { get; } = [];
}

/// <summary>Everything a peer holds only while it is LEADING.</summary>
internal sealed class LeaderState(long now)
{
    public LeaderPhase Phase { get; set; } = LeaderPhase.Discovery;
    public long PhaseDeadline { get; set; }
    public long Epoch { get; set; } = -1;
    public bool WaitingForNewEpoch { get; set; } = true;
    public HashSet<int> ConnectingFollowers { get; } = [];
    public HashSet<int> ElectingFollowers { get; } = [];
    public HashSet<int> NewLeaderAcks { get; } = [];
    public Dictionary<int, LearnerHandler> Handlers { get; } = new();
    /// <summary>Every learner connection ever opened to this leader: a re-delivered FOLLOWERINFO must not open it again.</summary>
    public HashSet<long> SeenConnIds { get; } = [];
    public long StateSummaryEpoch { get; set; }
    public long StateSummaryZxid { get; set; }
    public long LastProposed { get; set; }
    public long LastCommitted { get; set; }
    public SortedDictionary<long, OutstandingProposal> Outstanding { get; } = new();
    public long NextPingAt { get; set; } = now;
}
