namespace Corral.Zab;

/// <summary>
/// The peer's view of its txn log: the zxid its snapshot covers, then the entries after it in zxid
/// order. It mirrors exactly what the peer has handed to the host for persistence.
/// </summary>
internal sealed class ReplicatedLog
{
    private readonly List<LogEntry> _entries = [];

    public ReplicatedLog(long snapshotZxid, IEnumerable<LogEntry> entries)
    {
        SnapshotZxid = snapshotZxid;
        foreach (var e in entries) Append(e);
    }

    public long SnapshotZxid { get; private set; }
    public int Count => _entries.Count;
    public IReadOnlyList<LogEntry> Entries => _entries;

    /// <summary>The last logged zxid, or the snapshot zxid when the log is empty. This is the zxid a peer votes and syncs with.</summary>
    public long LastZxid => _entries.Count > 0 ? _entries[^1].Zxid : SnapshotZxid;

    public void Append(LogEntry entry)
    {
        if (entry.Zxid <= LastZxid)
            throw new InvalidOperationException($"log append out of order: {Zxid.Format(entry.Zxid)} after {Zxid.Format(LastZxid)}");
        _entries.Add(entry);
    }

    /// <summary>True if the zxid is the snapshot point or a logged entry.</summary>
    public bool Contains(long zxid) => zxid == SnapshotZxid || IndexOf(zxid) >= 0;

    public LogEntry? Find(long zxid)
    {
        var i = IndexOf(zxid);
        return i >= 0 ? _entries[i] : null;
    }

    /// <summary>Entries with <paramref name="after"/> &lt; zxid ≤ <paramref name="upTo"/>, in order.</summary>
    public IEnumerable<LogEntry> Range(long after, long upTo)
    {
        var i = LowerBound(after + 1);
        for (; i < _entries.Count && _entries[i].Zxid <= upTo; i++) yield return _entries[i];
    }

    /// <summary>The largest known zxid strictly below <paramref name="zxid"/> (the snapshot point counts).</summary>
    public long PreviousBelow(long zxid)
    {
        var i = LowerBound(zxid) - 1;
        return i >= 0 ? _entries[i].Zxid : SnapshotZxid;
    }

    /// <summary>The first entry with a zxid strictly above <paramref name="zxid"/>, if any.</summary>
    public LogEntry? FirstAbove(long zxid)
    {
        var i = LowerBound(zxid + 1);
        return i < _entries.Count ? _entries[i] : null;
    }

    public void TruncateAfter(long zxid)
    {
        var i = LowerBound(zxid + 1);
        _entries.RemoveRange(i, _entries.Count - i);
    }

    public void ResetTo(long snapshotZxid)
    {
        _entries.Clear();
        SnapshotZxid = snapshotZxid;
    }

    /// <summary>Drop entries covered by a newer snapshot at <paramref name="zxid"/>.</summary>
    public void Compact(long zxid)
    {
        if (zxid <= SnapshotZxid) return;
        var i = LowerBound(zxid + 1);
        _entries.RemoveRange(0, i);
        SnapshotZxid = zxid;
    }

    private int IndexOf(long zxid)
    {
        var i = LowerBound(zxid);
        return i < _entries.Count && _entries[i].Zxid == zxid ? i : -1;
    }

    /// <summary>Index of the first entry with zxid ≥ <paramref name="zxid"/>.</summary>
    private int LowerBound(long zxid)
    {
        int lo = 0, hi = _entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entries[mid].Zxid < zxid) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
