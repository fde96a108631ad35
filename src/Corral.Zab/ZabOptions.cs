namespace Corral.Zab;

/// <summary>
/// Static configuration of one peer. All durations are in ticks: the host calls <see cref="ZabPeer.Tick"/>
/// at a fixed rate (the simulator uses 50 ms), so ZooKeeper's 200 ms finalize wait is 4 ticks.
/// </summary>
public sealed class ZabOptions
{
    public required int MyId { get; init; }
    public required IReadOnlyList<int> Voters { get; init; }
    public IReadOnlyList<int> Observers { get; init; } = [];

    /// <summary>FLE: how long a quorum of agreeing votes must stay unchallenged before deciding (finalizeWait).</summary>
    public int FinalizeWaitTicks { get; init; } = 4;
    /// <summary>FLE: first notification resend interval; doubles on each quiet interval up to the maximum.</summary>
    public int MinNotificationIntervalTicks { get; init; } = 4;
    public int MaxNotificationIntervalTicks { get; init; } = 64;
    /// <summary>Budget for each phase of discovery and synchronisation (ZooKeeper: initLimit * tickTime).</summary>
    public int InitLimitTicks { get; init; } = 40;
    /// <summary>Silence after which a synced leader/learner link is declared dead (syncLimit * tickTime).</summary>
    public int SyncLimitTicks { get; init; } = 20;
    /// <summary>How often the leader pings each learner (ZooKeeper: tickTime / 2).</summary>
    public int PingIntervalTicks { get; init; } = 4;

    /// <summary>
    /// The counter value that is never proposed; reaching it forces a new epoch (ZOOKEEPER-1277).
    /// 0xffffffff in production; tests lower it to exercise the rollover path.
    /// </summary>
    internal long CounterLimit { get; init; } = 0xffffffffL;

    /// <summary>Deliberate protocol bugs, only for proving that the simulator's checkers catch them.</summary>
    internal InjectedBug InjectedBugs { get; init; }
}

/// <summary>Test-only protocol bugs.</summary>
[Flags]
internal enum InjectedBug
{
    None = 0,
    /// <summary>The leader sends DIFF where TRUNC (or a divergence SNAP) is needed, so a follower keeps txns the leader never had.</summary>
    DiffInsteadOfTrunc = 1,
    /// <summary>
    /// The follower writes currentEpoch and ACKs NEWLEADER before logging the committed sync txns, which it
    /// logs only after UPTODATE (ZOOKEEPER-3911 and 4643 together).
    /// </summary>
    AckNewLeaderBeforeLoggingSyncTxns = 2,
    /// <summary>The leader commits a proposal as soon as it has logged it itself, without waiting for a quorum of ACKs.</summary>
    CommitWithoutQuorum = 4,
    /// <summary>
    /// The leader's new epoch is the largest acceptedEpoch of its quorum instead of one more, so learners that
    /// already promised that epoch (to an earlier leader) accept it again and two leaders share an epoch.
    /// </summary>
    NewEpochNotIncremented = 8,
}
