using Corral.Client.Robustness;
using Corral.Protocol;

namespace Corral.Client.Tests;

public sealed class RetryPolicyTests
{
    [Fact]
    public async Task Retries_connection_loss_until_the_policy_gives_up()
    {
        int calls = 0;
        var e = await Assert.ThrowsAsync<ConnectionLossException>(() => Retry.RunAsync<int>(
            new RetryNTimes(3, TimeSpan.Zero), TimeProvider.System,
            () => { calls++; throw new ConnectionLossException("/x"); }, default));
        Assert.Equal(4, calls); // the first attempt plus three retries
        Assert.Equal("/x", e.Path);
    }

    [Fact]
    public async Task Succeeds_after_transient_failures()
    {
        int calls = 0;
        int result = await Retry.RunAsync(new RetryNTimes(5, TimeSpan.Zero), TimeProvider.System,
            () => ++calls < 3 ? throw new OperationTimeoutException() : Task.FromResult(42), default);
        Assert.Equal(42, result);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Does_not_retry_other_errors()
    {
        int calls = 0;
        await Assert.ThrowsAsync<NoNodeException>(() => Retry.RunAsync<int>(new RetryNTimes(5, TimeSpan.Zero), TimeProvider.System,
            () => { calls++; throw new NoNodeException("/x"); }, default));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Exponential_backoff_grows_within_bounds_and_stops()
    {
        var policy = new ExponentialBackoffRetry(TimeSpan.FromMilliseconds(10), maxRetries: 3, maxDelay: TimeSpan.FromMilliseconds(50));
        for (int i = 0; i < 3; i++)
        {
            Assert.True(policy.ShouldRetry(i, TimeSpan.Zero, out var delay));
            Assert.InRange(delay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50));
        }
        Assert.False(policy.ShouldRetry(3, TimeSpan.Zero, out _));
        Assert.False(RetryNever.Instance.ShouldRetry(0, TimeSpan.Zero, out _));
        Assert.False(new RetryUntilElapsed(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100)).ShouldRetry(0, TimeSpan.FromSeconds(1), out _));
    }

    [Fact]
    public void Error_codes_map_to_typed_exceptions_with_zookeeper_wording()
    {
        var e = ZooKeeperException.Create(ErrorCode.NoNode, "/a");
        Assert.IsType<NoNodeException>(e);
        Assert.Equal("KeeperErrorCode = NoNode for /a", e.Message);
        Assert.IsType<NotEmptyException>(ZooKeeperException.Create(ErrorCode.NotEmpty));
        Assert.IsType<SessionExpiredException>(ZooKeeperException.Create(ErrorCode.SessionExpired));
        var generic = ZooKeeperException.Create(ErrorCode.QuotaExceeded, "/q");
        Assert.Equal(ErrorCode.QuotaExceeded, generic.Code);
    }
}
