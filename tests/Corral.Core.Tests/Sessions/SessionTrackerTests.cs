using Corral.Core.Sessions;

namespace Corral.Core.Tests.Sessions;

public class SessionTrackerTests
{
    [Fact]
    public void Ids_carry_the_server_id_and_avoid_reserved_values()
    {
        var t = new SessionTracker(serverId: 1, tickTimeMs: 2000, nowMs: 1_700_000_000_000);
        long a = t.NextSessionId(), b = t.NextSessionId();
        Assert.Equal(1, (int)((ulong)a >> 56));
        Assert.Equal(a + 1, b);
        var zero = new SessionTracker(serverId: 0, tickTimeMs: 2000, nowMs: 0);
        Assert.NotEqual(0, zero.NextSessionId());
        var marker = new SessionTracker(serverId: 128, tickTimeMs: 2000, nowMs: 0);
        Assert.NotEqual(long.MinValue, marker.NextSessionId());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SessionTracker(255, 2000, 0));
    }

    [Fact]
    public void Deadlines_round_up_to_the_next_tick_and_touch_extends_them()
    {
        var t = new SessionTracker(1, 2000, 0);
        t.Add(5, 4000, nowMs: 100);
        Assert.Equal(6000, t.ExpiryOf(5)); // 100 + 4000 = 4100 -> next boundary after is 6000
        Assert.Empty(t.PopExpired(5999));
        Assert.True(t.Touch(5, 3000)); // 7000 -> 8000
        Assert.Empty(t.PopExpired(7999));
        Assert.Equal([5L], t.PopExpired(8000));
        Assert.False(t.IsActive(5));
        Assert.True(t.Contains(5));
        Assert.False(t.Touch(5, 8000));
        t.Remove(5);
        Assert.False(t.Contains(5));
    }

    [Fact]
    public void Expiry_is_bucketed_and_ordered()
    {
        var t = new SessionTracker(1, 1000, 0);
        t.Add(3, 2000, 0);
        t.Add(1, 2000, 500);
        t.Add(2, 5000, 0);
        Assert.Equal([1L, 3L], t.PopExpired(3000));
        Assert.Equal([2L], t.PopExpired(10_000));
        Assert.Empty(t.PopExpired(20_000));
    }
}
