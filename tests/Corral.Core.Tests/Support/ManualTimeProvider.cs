namespace Corral.Core.Tests.Support;

/// <summary>A clock that moves only when the test says so.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    private long _ticks;

    public ManualTimeProvider() : this(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)) { }

    public long NowMs => _now.ToUnixTimeMilliseconds();

    public override DateTimeOffset GetUtcNow() => _now;
    public override long GetTimestamp() => _ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by)
    {
        _now += by;
        _ticks += by.Ticks;
    }

    public void AdvanceMs(long ms) => Advance(TimeSpan.FromMilliseconds(ms));
}
