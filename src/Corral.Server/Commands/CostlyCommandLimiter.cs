namespace Corral.Server.Commands;

/// <summary>
/// Rate limit for the four-letter words whose cost grows with the number of connections, sessions
/// or watches (cons, dump, wchc, wchp): a client that repeats them could otherwise keep the
/// processing loop busy (CVE-2017-5637). A token bucket holding <c>perSecond</c> tokens, refilled
/// continuously; 0 disables the limit. Thread-safe.
/// </summary>
public sealed class CostlyCommandLimiter(int perSecond, TimeProvider time)
{
    /// <summary>The words this limiter applies to.</summary>
    public static readonly IReadOnlySet<string> CostlyWords = new HashSet<string>(StringComparer.Ordinal) { "cons", "dump", "wchc", "wchp" };

    private readonly object _lock = new();
    private double _tokens = perSecond;
    private long _last = time.GetTimestamp();

    public int PerSecond => perSecond;

    /// <summary>True when <paramref name="word"/> may run now (always for words that are not costly).</summary>
    public bool TryAcquire(string word)
    {
        if (perSecond <= 0 || !CostlyWords.Contains(word)) return true;
        lock (_lock)
        {
            long now = time.GetTimestamp();
            _tokens = Math.Min(perSecond, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * perSecond);
            _last = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }

    /// <summary>The text sent instead of a refused costly command.</summary>
    public string Refusal(string word) =>
        $"{word} is not executed because the rate limit for costly commands ({perSecond} per second) is exceeded. Try again later.\n";
}
