namespace Corral.Client.Robustness;

/// <summary>
/// Decides whether an idempotent operation that failed with a retryable error (ConnectionLoss,
/// OperationTimeout) is tried again, and after how long. Writes are never retried blindly.
/// </summary>
public interface IRetryPolicy
{
    /// <param name="retryCount">How many retries have been made already (0 before the first retry).</param>
    /// <param name="elapsed">Time since the first attempt started.</param>
    bool ShouldRetry(int retryCount, TimeSpan elapsed, out TimeSpan delay);
}

/// <summary>Never retries.</summary>
public sealed class RetryNever : IRetryPolicy
{
    public static readonly RetryNever Instance = new();

    public bool ShouldRetry(int retryCount, TimeSpan elapsed, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        return false;
    }
}

/// <summary>Retries up to <c>maxRetries</c> times with a fixed delay.</summary>
public sealed class RetryNTimes(int maxRetries, TimeSpan delayBetweenRetries) : IRetryPolicy
{
    public bool ShouldRetry(int retryCount, TimeSpan elapsed, out TimeSpan delay)
    {
        delay = delayBetweenRetries;
        return retryCount < maxRetries;
    }
}

/// <summary>
/// Curator's ExponentialBackoffRetry: the n-th retry waits baseDelay * random(1, 2^(n+1)),
/// capped at <c>maxDelay</c>, for at most <c>maxRetries</c> retries.
/// </summary>
public sealed class ExponentialBackoffRetry(TimeSpan baseDelay, int maxRetries, TimeSpan? maxDelay = null) : IRetryPolicy
{
    private readonly TimeSpan _maxDelay = maxDelay ?? TimeSpan.FromSeconds(10);

    public bool ShouldRetry(int retryCount, TimeSpan elapsed, out TimeSpan delay)
    {
        int factor = Random.Shared.Next(1, 1 << Math.Min(retryCount + 1, 29));
        delay = TimeSpan.FromTicks(Math.Min(baseDelay.Ticks * factor, _maxDelay.Ticks));
        return retryCount < maxRetries;
    }
}

/// <summary>Retries until a total time budget is used up, with a fixed delay.</summary>
public sealed class RetryUntilElapsed(TimeSpan maxElapsed, TimeSpan delayBetweenRetries) : IRetryPolicy
{
    public bool ShouldRetry(int retryCount, TimeSpan elapsed, out TimeSpan delay)
    {
        delay = delayBetweenRetries;
        return elapsed + delayBetweenRetries < maxElapsed;
    }
}

/// <summary>Runs an idempotent operation under a retry policy.</summary>
public static class Retry
{
    /// <summary>True for the errors after which repeating an idempotent operation is safe and useful.</summary>
    public static bool IsRetryable(Exception e) =>
        e is ConnectionLossException or OperationTimeoutException;

    public static async Task<T> RunAsync<T>(IRetryPolicy policy, TimeProvider time, Func<Task<T>> operation, CancellationToken ct)
    {
        long start = time.GetTimestamp();
        for (int retries = 0; ; retries++)
        {
            try
            {
                return await operation().ConfigureAwait(false);
            }
            catch (Exception e) when (IsRetryable(e) && policy.ShouldRetry(retries, time.GetElapsedTime(start), out var delay))
            {
                if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
        }
    }
}
