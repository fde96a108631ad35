namespace Corral.Storage.Snapshots;

/// <summary>
/// When to take the next snapshot, with ZooKeeper's snapCount semantics
/// (SyncRequestProcessor.shouldSnapshot): snapshot when the transactions logged since the last
/// snapshot exceed snapCount/2 + r, with r drawn uniformly from [0, snapCount/2), or when the bytes
/// logged exceed snapSizeLimit/2 + a random share of snapSizeLimit/2. The random part is redrawn
/// after every snapshot so that servers of an ensemble do not all snapshot at the same moment.
/// Not thread-safe: call from the thread that appends.
/// </summary>
public sealed class SnapshotPolicy
{
    private readonly long _snapCount;
    private readonly long _snapSizeLimitBytes;
    private readonly Random _random;
    private long _countThreshold;
    private long _sizeThreshold;
    private long _txns;
    private long _bytes;

    /// <param name="snapCount">ZooKeeper's snapCount (default 100000); values below 2 act as 2.</param>
    /// <param name="snapSizeLimitBytes">ZooKeeper's snapSizeLimitInKb in bytes (default 4 GiB); 0 or less disables the size rule.</param>
    public SnapshotPolicy(long snapCount = 100_000, long snapSizeLimitBytes = 4L << 30, Random? random = null)
    {
        _snapCount = Math.Max(2, snapCount);
        _snapSizeLimitBytes = snapSizeLimitBytes;
        _random = random ?? Random.Shared;
        Reset();
    }

    public long TxnsSinceSnapshot => _txns;

    /// <summary>Counts one logged transaction; true when a snapshot should be started now.</summary>
    public bool OnTransactionLogged(int payloadBytes)
    {
        _txns++;
        _bytes += payloadBytes;
        return _txns > _countThreshold || (_snapSizeLimitBytes > 0 && _bytes > _sizeThreshold);
    }

    /// <summary>Call when a snapshot has been started: restarts the counters and redraws the random part.</summary>
    public void Reset()
    {
        _txns = 0;
        _bytes = 0;
        _countThreshold = _snapCount / 2 + _random.NextInt64(_snapCount / 2);
        _sizeThreshold = _snapSizeLimitBytes <= 0 ? long.MaxValue : _snapSizeLimitBytes / 2 + _random.NextInt64(_snapSizeLimitBytes / 2);
    }
}
