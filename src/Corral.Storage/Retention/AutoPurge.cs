namespace Corral.Storage.Retention;

/// <summary>
/// ZooKeeper's autopurge: every <c>purgeInterval</c> (autopurge.purgeInterval, in hours; 0 disables)
/// run <see cref="Purger.Purge(Corral.Storage.FileSystem.IStorageFileSystem, string, string, int)"/> keeping
/// autopurge.snapRetainCount snapshots. Time comes from a <see cref="TimeProvider"/> so tests can drive it.
/// Failures are reported, never thrown on the timer thread.
/// </summary>
public sealed class AutoPurge : IDisposable
{
    private readonly ITimer? _timer;
    private readonly object _gate = new();

    public AutoPurge(Func<PurgeResult> purge, TimeSpan interval, TimeProvider timeProvider,
        Action<PurgeResult>? onPurged = null, Action<Exception>? onError = null)
    {
        if (interval <= TimeSpan.Zero) return; // disabled, like purgeInterval=0
        _timer = timeProvider.CreateTimer(_ =>
        {
            // One purge at a time even if a run outlasts the interval.
            if (!Monitor.TryEnter(_gate)) return;
            try
            {
                var result = purge();
                onPurged?.Invoke(result);
            }
            catch (Exception ex) { onError?.Invoke(ex); }
            finally { Monitor.Exit(_gate); }
        }, null, interval, interval);
    }

    public bool Enabled => _timer is not null;

    public void Dispose() => _timer?.Dispose();
}
