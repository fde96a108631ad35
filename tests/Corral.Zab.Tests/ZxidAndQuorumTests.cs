namespace Corral.Zab.Tests;

public sealed class ZxidAndQuorumTests
{
    [Fact]
    public void Zxid_SplitsEpochAndCounter()
    {
        var z = Zxid.Make(3, 0x2a);
        Assert.Equal(0x0000_0003_0000_002aL, z);
        Assert.Equal(3, Zxid.EpochOf(z));
        Assert.Equal(0x2a, Zxid.CounterOf(z));
        Assert.False(Zxid.IsEpochStart(z));
        Assert.True(Zxid.IsEpochStart(Zxid.Make(4, 0)));
        Assert.Equal("3.2a", Zxid.Format(z));
        // The largest counter stays inside its epoch; it never carries into the epoch bits.
        Assert.Equal(3, Zxid.EpochOf(Zxid.Make(3, 0xffffffffL)));
        Assert.True(Zxid.Make(3, 0xffffffffL) < Zxid.Make(4, 1));
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3 }, new[] { 1, 2 }, true)]
    [InlineData(new[] { 1, 2, 3 }, new[] { 3 }, false)]
    [InlineData(new[] { 1, 2, 3, 4 }, new[] { 1, 2 }, false)]
    [InlineData(new[] { 1, 2, 3, 4 }, new[] { 1, 2, 4 }, true)]
    [InlineData(new[] { 1, 2, 3, 4, 5 }, new[] { 5, 4, 4, 5 }, false)]
    [InlineData(new[] { 1, 2, 3, 4, 5 }, new[] { 5, 4, 3 }, true)]
    public void Quorum_IsAStrictMajorityOfDistinctVoters(int[] voters, int[] acks, bool expected) =>
        Assert.Equal(expected, new QuorumVerifier(voters).IsQuorum(acks));

    [Fact]
    public void Observers_NeverCountTowardsAQuorum()
    {
        var q = new QuorumVerifier([1, 2, 3], [4, 5]);
        Assert.False(q.IsQuorum([1, 4, 5]));
        Assert.True(q.IsQuorum([1, 2, 4]));
        Assert.True(q.IsObserver(4));
        Assert.False(q.IsVoter(4));
        Assert.Throws<ArgumentException>(() => new QuorumVerifier([1, 2], [2]));
        Assert.Throws<ArgumentException>(() => new QuorumVerifier([]));
    }
}
