namespace Corral.Zab;

/// <summary>
/// Everything a <see cref="ZabPeer"/> asks its host to do after a batch of inputs.
///
/// <para><b>The persistence contract.</b> The host must carry out a Ready in exactly this order and
/// only then call <see cref="ZabPeer.Advance"/>:</para>
/// <list type="number">
/// <item><see cref="InstallSnapshot"/>: durably replace the snapshot <i>and</i> empty the txn log in one
/// atomic step (e.g. a new log segment named after the snapshot zxid; older segments are ignored at
/// recovery), then restore the state machine from it.</item>
/// <item><see cref="TruncateAfterZxid"/>: durably drop every log entry with a larger zxid.</item>
/// <item><see cref="Append"/>: write the entries to the txn log.</item>
/// <item>If <see cref="MustSync"/>: fsync the log. Nothing below may happen before the fsync returns
/// (an ACK of an unsynced txn breaks ZOOKEEPER-3911/4646).</item>
/// <item><see cref="AcceptedEpoch"/>, then <see cref="CurrentEpoch"/>: write each atomically and durably
/// (temp file, fsync, rename). currentEpoch comes after the log fsync (ZOOKEEPER-4643).</item>
/// <item><see cref="Committed"/>: apply to the state machine in order. They are always already in the log.</item>
/// <item><see cref="Messages"/>: send. A crash before this point must lose them.</item>
/// </list>
/// <para>A host that crashes anywhere in this sequence restarts from whatever reached the disk; the
/// peer is rebuilt from <see cref="PersistentState"/> and is safe with any such prefix.</para>
/// </summary>
public sealed class Ready
{
    public SnapshotData? InstallSnapshot { get; init; }
    public long? TruncateAfterZxid { get; init; }
    public IReadOnlyList<LogEntry> Append { get; init; } = [];
    public bool MustSync { get; init; }
    public long? AcceptedEpoch { get; init; }
    public long? CurrentEpoch { get; init; }
    public IReadOnlyList<LogEntry> Committed { get; init; } = [];
    public IReadOnlyList<ZabMessage> Messages { get; init; } = [];

    public bool IsEmpty => InstallSnapshot is null && TruncateAfterZxid is null && Append.Count == 0 &&
                           AcceptedEpoch is null && CurrentEpoch is null && Committed.Count == 0 && Messages.Count == 0;
}

/// <summary>What a peer's disk holds, read back at start-up: the two epoch files, the snapshot zxid and the log after it.</summary>
public sealed record PersistentState(long AcceptedEpoch, long CurrentEpoch, long SnapshotZxid, IReadOnlyList<LogEntry> Log)
{
    public static PersistentState Empty { get; } = new(0, 0, 0, []);
}

/// <summary>Accumulates one Ready, keeping the operations in contract order even when several inputs add to it.</summary>
internal sealed class ReadyBuilder
{
    private SnapshotData? _snapshot;
    private long? _truncate;
    private readonly List<LogEntry> _append = [];
    private bool _sync;
    private long? _acceptedEpoch;
    private long? _currentEpoch;
    private readonly List<LogEntry> _committed = [];
    private readonly List<ZabMessage> _messages = [];

    public bool IsEmpty => _snapshot is null && _truncate is null && _append.Count == 0 && _acceptedEpoch is null &&
                           _currentEpoch is null && _committed.Count == 0 && _messages.Count == 0;

    public void InstallSnapshot(SnapshotData snapshot)
    {
        _snapshot = snapshot;
        _truncate = null;
        _append.Clear();
        _sync = true;
    }

    public void Truncate(long afterZxid)
    {
        // A truncation after appends in the same batch applies to those appends too.
        _append.RemoveAll(e => e.Zxid > afterZxid);
        _truncate = _truncate is { } t ? Math.Min(t, afterZxid) : afterZxid;
        _sync = true;
    }

    public void Append(LogEntry entry)
    {
        _append.Add(entry);
        _sync = true;
    }

    public void AcceptedEpoch(long epoch) => _acceptedEpoch = epoch;
    public void CurrentEpoch(long epoch) => _currentEpoch = epoch;
    public void Commit(LogEntry entry) => _committed.Add(entry);
    public void Send(ZabMessage message) => _messages.Add(message);

    public Ready Build()
    {
        var ready = new Ready
        {
            InstallSnapshot = _snapshot,
            TruncateAfterZxid = _truncate,
            Append = _append.ToArray(),
            MustSync = _sync,
            AcceptedEpoch = _acceptedEpoch,
            CurrentEpoch = _currentEpoch,
            Committed = _committed.ToArray(),
            Messages = _messages.ToArray(),
        };
        _snapshot = null; _truncate = null; _append.Clear(); _sync = false;
        _acceptedEpoch = null; _currentEpoch = null; _committed.Clear(); _messages.Clear();
        return ready;
    }
}
