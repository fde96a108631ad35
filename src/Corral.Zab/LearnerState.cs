namespace Corral.Zab;

internal enum LearnerPhase { Connecting, AwaitingSync, Syncing, AwaitingUpToDate, Broadcast }

/// <summary>Everything a follower or observer holds while connected to one leader.</summary>
internal sealed class LearnerState(int leaderId, long connId, long now)
{
    public int LeaderId { get; } = leaderId;
    public long ConnId { get; set; } = connId;
    public long NextSendSeq { get; set; }
    public long NextRecvSeq { get; set; }
    public long LastHeard { get; set; } = now;
    public LearnerPhase Phase { get; set; } = LearnerPhase.Connecting;
    public long NewEpoch { get; set; } = -1;

    // The sync stream, held in memory until NEWLEADER: abandoning the sync leaves the disk untouched (ZOOKEEPER-3642).
    public SyncMode Mode { get; set; }
    public long ModeZxid { get; set; }
    public SnapshotData? Snapshot { get; set; }
    /// <summary>packetsNotLogged: proposals received but not yet written.</summary>
    public List<LogEntry> NotLogged { get; } = [];
    /// <summary>The highest zxid the leader has committed among <see cref="NotLogged"/> (commits arrive in order).</summary>
    public long CommittedInStream { get; set; } = -1;
    /// <summary>The highest zxid known committed when UPTODATE arrives.</summary>
    public long SyncCommitZxid { get; set; }
}
