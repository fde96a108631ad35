namespace Corral.Zab;

/// <summary>Quorum packet types, numbered as in ZooKeeper's Leader.java; 0 is an election notification.</summary>
public enum ZabMessageType
{
    Notification = 0,
    Request = 1,
    Proposal = 2,
    Ack = 3,
    Commit = 4,
    Ping = 5,
    Inform = 8,
    NewLeader = 10,
    FollowerInfo = 11,
    UpToDate = 12,
    Diff = 13,
    Trunc = 14,
    Snap = 15,
    ObserverInfo = 16,
    LeaderInfo = 17,
    AckEpoch = 18,
}

/// <summary>The state a peer reports in election notifications.</summary>
public enum PeerState { Looking = 0, Following = 1, Leading = 2, Observing = 3 }

/// <summary>A fast-leader-election vote: proposed leader, its last zxid and its current epoch.</summary>
public readonly record struct Vote(long Leader, long Zxid, long PeerEpoch)
{
    /// <summary>The vote an observer casts: it can never win.</summary>
    public static readonly Vote None = new(long.MinValue, long.MinValue, long.MinValue);

    public override string ToString() => $"({Leader}, {Corral.Zab.Zxid.Format(Zxid)}, e{PeerEpoch})";
}

/// <summary>An application snapshot: the replicated state after applying every txn up to <see cref="Zxid"/>.</summary>
public sealed record SnapshotData(long Zxid, byte[] Data);

/// <summary>One transaction in the log. Zab treats the payload as opaque bytes.</summary>
public readonly record struct LogEntry(long Zxid, byte[] Payload)
{
    public override string ToString() => Corral.Zab.Zxid.Format(Zxid);
}

/// <summary>
/// A message between two peers. Election notifications are datagrams. Every other message belongs to
/// one learner connection (<see cref="ConnId"/>, chosen by the learner) and carries a per-direction
/// sequence number, which gives the FIFO, loss-detecting channel ZooKeeper gets from TCP: a duplicate
/// is dropped, a gap closes the connection.
/// </summary>
public sealed record ZabMessage
{
    public required ZabMessageType Type { get; init; }
    public required int From { get; init; }
    public required int To { get; init; }

    public long ConnId { get; init; }
    public long Seq { get; init; }

    /// <summary>The packet zxid (PROPOSAL, COMMIT, ACK, DIFF, TRUNC, SNAP, NEWLEADER, LEADERINFO, ACKEPOCH last zxid).</summary>
    public long Zxid { get; init; }

    /// <summary>FOLLOWERINFO: the learner's acceptedEpoch. ACKEPOCH: its currentEpoch, or -1 when no new promise was made.</summary>
    public long Epoch { get; init; }

    /// <summary>Txn bytes of PROPOSAL, INFORM and REQUEST.</summary>
    public byte[]? Payload { get; init; }

    /// <summary>The leader's snapshot for SNAP.</summary>
    public SnapshotData? Snapshot { get; init; }

    // Election notification fields.
    public PeerState State { get; init; }
    public Vote Vote { get; init; }
    public long ElectionEpoch { get; init; }

    public override string ToString() => Type switch
    {
        ZabMessageType.Notification => $"{From}->{To} NOTIFY {State} vote={Vote} ee={ElectionEpoch}",
        _ => $"{From}->{To} {Type.ToString().ToUpperInvariant()} {Corral.Zab.Zxid.Format(Zxid)}" +
             (Type is ZabMessageType.FollowerInfo or ZabMessageType.ObserverInfo or ZabMessageType.AckEpoch ? $" epoch={Epoch}" : "") +
             $" [c{ConnId:x}#{Seq}]",
    };
}
