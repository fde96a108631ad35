namespace Corral.Core.Sessions;

/// <summary>
/// Local session liveness, as ZooKeeper's SessionTrackerImpl: each live session has a deadline
/// rounded up to the next tickTime boundary (so expiry is checked in buckets), refreshed by every
/// frame the client sends. Sessions found expired are marked closing and handed to the caller, which
/// closes them through a CloseSession transaction. Time is passed in; nothing here reads a clock.
/// </summary>
public sealed class SessionTracker
{
    private sealed class Entry(int timeoutMs)
    {
        public int TimeoutMs = timeoutMs;
        public long ExpiresAt;
        public bool Closing;
    }

    private readonly int _tickTimeMs;
    private readonly Dictionary<long, Entry> _sessions = [];
    private readonly SortedDictionary<long, HashSet<long>> _buckets = [];
    private long _nextId;

    /// <param name="serverId">0..254; goes in the id's top byte (0xFF is reserved for TTL markers).</param>
    public SessionTracker(long serverId, int tickTimeMs, long nowMs)
    {
        if (serverId is < 0 or > 254) throw new ArgumentOutOfRangeException(nameof(serverId), "server id must be 0..254");
        if (tickTimeMs <= 0) throw new ArgumentOutOfRangeException(nameof(tickTimeMs));
        _tickTimeMs = tickTimeMs;
        // As ZooKeeper: the time in ms shifted into the middle bits, the server id in the top byte.
        _nextId = (long)((ulong)(nowMs << 24) >> 8) | (serverId << 56);
    }

    public int Count => _sessions.Count;

    /// <summary>Allocates a fresh session id: never 0, never the container marker 0x8000000000000000, never a live id.</summary>
    public long NextSessionId()
    {
        while (true)
        {
            long id = _nextId++;
            if (id != 0 && id != long.MinValue && !_sessions.ContainsKey(id)) return id;
        }
    }

    public bool Contains(long id) => _sessions.ContainsKey(id);

    /// <summary>Live and not closing.</summary>
    public bool IsActive(long id) => _sessions.TryGetValue(id, out var e) && !e.Closing;

    public int TimeoutOf(long id) => _sessions.TryGetValue(id, out var e) ? e.TimeoutMs : 0;

    public long ExpiryOf(long id) => _sessions.TryGetValue(id, out var e) ? e.ExpiresAt : 0;

    /// <summary>Starts tracking a session (new, or loaded from a snapshot / the log) with a fresh deadline.</summary>
    public void Add(long id, int timeoutMs, long nowMs)
    {
        if (!_sessions.TryGetValue(id, out var e)) _sessions[id] = e = new Entry(timeoutMs);
        e.TimeoutMs = timeoutMs;
        e.Closing = false;
        Reschedule(id, e, nowMs);
    }

    /// <summary>Refreshes a session's deadline; false if it is unknown or closing.</summary>
    public bool Touch(long id, long nowMs)
    {
        if (!_sessions.TryGetValue(id, out var e) || e.Closing) return false;
        Reschedule(id, e, nowMs);
        return true;
    }

    /// <summary>Changes the timeout (a reconnect negotiates a new one) and refreshes the deadline.</summary>
    public void SetTimeout(long id, int timeoutMs, long nowMs)
    {
        if (!_sessions.TryGetValue(id, out var e)) return;
        e.TimeoutMs = timeoutMs;
        Reschedule(id, e, nowMs);
    }

    public void SetClosing(long id)
    {
        if (_sessions.TryGetValue(id, out var e)) e.Closing = true;
    }

    public void Remove(long id)
    {
        if (!_sessions.Remove(id, out var e)) return;
        RemoveFromBucket(id, e.ExpiresAt);
    }

    /// <summary>Sessions whose deadline is at or before now; they are marked closing and leave the buckets.</summary>
    public List<long> PopExpired(long nowMs)
    {
        var expired = new List<long>();
        while (_buckets.Count > 0)
        {
            var first = _buckets.First();
            if (first.Key > nowMs) break;
            _buckets.Remove(first.Key);
            foreach (var id in first.Value.Order())
            {
                var e = _sessions[id];
                e.Closing = true;
                e.ExpiresAt = 0;
                expired.Add(id);
            }
        }
        return expired;
    }

    private void Reschedule(long id, Entry e, long nowMs)
    {
        long deadline = (nowMs + e.TimeoutMs) / _tickTimeMs * _tickTimeMs + _tickTimeMs;
        if (deadline == e.ExpiresAt) return;
        RemoveFromBucket(id, e.ExpiresAt);
        e.ExpiresAt = deadline;
        if (!_buckets.TryGetValue(deadline, out var bucket)) _buckets[deadline] = bucket = [];
        bucket.Add(id);
    }

    private void RemoveFromBucket(long id, long deadline)
    {
        if (deadline == 0 || !_buckets.TryGetValue(deadline, out var bucket)) return;
        bucket.Remove(id);
        if (bucket.Count == 0) _buckets.Remove(deadline);
    }
}
