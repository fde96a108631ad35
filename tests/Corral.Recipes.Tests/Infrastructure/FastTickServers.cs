namespace Corral.Recipes.Tests.Infrastructure;

// The recipe suites expire sessions on purpose: with a 500 ms tick the server notices an expired
// session (and deletes its ephemerals) within half a second of its timeout instead of two seconds.
// Both servers get the same settings, so each suite asserts the same behaviour against both.

/// <summary>Apache ZooKeeper 3.8 with tickTime=500.</summary>
public sealed class FastTickZooKeeper : ApacheZooKeeperFixture
{
    protected override int TickTime => 500;
}

/// <summary>Corral with tickTime=500.</summary>
public sealed class FastTickCorral : CorralServerFixture
{
    protected override int TickTime => 500;
}
