using Microsoft.Extensions.Logging;

namespace Corral.Server.Hosting;

/// <summary>
/// Logs the core's "Quota exceeded: ..." reports at Warning, at most one line per second (like
/// ZooKeeper's RateLogger): a client writing into a full subtree in a loop must not flood the log.
/// The next line logged says how many were left out. Called on the core's loop only.
/// </summary>
public sealed class QuotaWarningLog(ILogger log, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private DateTimeOffset _lastLogged = DateTimeOffset.MinValue;
    private long _suppressed;

    public void Report(string message)
    {
        var now = time.GetUtcNow();
        if (now - _lastLogged < Interval)
        {
            _suppressed++;
            return;
        }
        _lastLogged = now;
        if (_suppressed > 0) log.LogWarning("{Message} ({Suppressed} more quota reports since the last one)", message, _suppressed);
        else log.LogWarning("{Message}", message);
        _suppressed = 0;
    }
}
