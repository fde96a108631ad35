using Corral.Server.Commands;
using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Host;

/// <summary>4lw.costlyCommandsPerSecond (CVE-2017-5637): cons, dump, wchc and wchp are rate limited; cheap words are not.</summary>
public sealed class CostlyCommandTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks;
        public override long GetTimestamp() => Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Fact]
    public void BucketAllowsTheRateAndRefillsWithTime()
    {
        var time = new ManualTime();
        var limiter = new CostlyCommandLimiter(2, time);
        Assert.True(limiter.TryAcquire("wchc"));
        Assert.True(limiter.TryAcquire("dump"));
        Assert.False(limiter.TryAcquire("cons"));
        Assert.True(limiter.TryAcquire("srvr")); // not costly
        time.Ticks += TimeSpan.TicksPerSecond / 2;
        Assert.True(limiter.TryAcquire("wchp"));
        Assert.False(limiter.TryAcquire("wchp"));
        time.Ticks += TimeSpan.TicksPerSecond * 10; // the bucket holds at most one second's worth
        Assert.True(limiter.TryAcquire("cons"));
        Assert.True(limiter.TryAcquire("cons"));
        Assert.False(limiter.TryAcquire("cons"));
    }

    [Fact]
    public void ZeroMeansUnlimited()
    {
        var limiter = new CostlyCommandLimiter(0, new ManualTime());
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(limiter.TryAcquire("dump")));
    }

    [Fact]
    public async Task RepeatedCostlyWordsAreRefusedOnTheWire()
    {
        await using var server = await HostFixture.StartAsync(new EchoCore(), o =>
        {
            o.FourLetterWordWhitelist = new HashSet<string> { "*" };
            o.CostlyCommandsPerSecond = 1;
        });
        async Task<string> Ask(string word)
        {
            await using var client = await RawClient.ConnectAsync(server.ClientEndPoint.Port);
            await client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(word));
            return await client.ReadTextToEndAsync();
        }
        // One token per second: of five quick asks at least one is refused (they would need four seconds to all pass).
        var answers = new List<string>();
        for (int i = 0; i < 5; i++) answers.Add(await Ask("wchc"));
        Assert.Contains("wchc is not executed because the rate limit for costly commands (1 per second) is exceeded. Try again later.\n", answers);
        Assert.Equal("imok", await Ask("ruok"));
    }
}
