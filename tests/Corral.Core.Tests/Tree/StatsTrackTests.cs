using Corral.Core.Quotas;

namespace Corral.Core.Tests.Tree;

public class StatsTrackTests
{
    [Theory]
    [InlineData("count=4,bytes=5", 4, 5, -1, -1)]
    [InlineData("count=4,bytes=5=;countHardLimit=10;byteHardLimit=20", 4, 5, 10, 20)]
    [InlineData("count=-1,bytes=-1", -1, -1, -1, -1)]
    [InlineData("bytes=7;;count=3", 3, 7, -1, -1)]
    [InlineData("", -1, -1, -1, -1)]
    [InlineData("count=,bytes=2", -1, 2, -1, -1)]
    [InlineData("count=x,bytes=2", -1, 2, -1, -1)]
    public void Parses_like_zookeeper(string text, long count, long bytes, long countHard, long bytesHard)
    {
        var t = StatsTrack.Parse(text);
        Assert.Equal((count, bytes, countHard, bytesHard), (t.Count, t.Bytes, t.CountHardLimit, t.ByteHardLimit));
    }

    [Fact]
    public void Formats_count_and_bytes_first_then_the_other_keys_sorted_after_a_spurious_equals()
    {
        Assert.Equal("count=-1,bytes=-1", new StatsTrack().ToString());
        Assert.Equal("count=3,bytes=0", new StatsTrack { Bytes = 0, Count = 3 }.ToString());
        var all = new StatsTrack { Count = -1, Bytes = -1, CountHardLimit = 5, ByteHardLimit = -1 };
        Assert.Equal("count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=5", all.ToString());
        Assert.Equal(all.ToString(), StatsTrack.Parse(all.ToString()).ToString());
    }
}
