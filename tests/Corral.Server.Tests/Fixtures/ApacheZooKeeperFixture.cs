namespace Corral.Server.Tests.Fixtures;

/// <summary>
/// The shared Apache ZooKeeper 3.8 fixture (tests/Shared) with ZooKeeper's default-style narrow
/// four-letter-word whitelist, so the server suites see refusals exactly as the Corral fixture does.
/// Used to prove that every interop script and raw-protocol check encodes real ZooKeeper behaviour.
/// </summary>
public sealed class ApacheZooKeeperFixture : Corral.Tests.Shared.ApacheZooKeeperFixture
{
    protected override string FourLetterWordWhitelist => "srvr,ruok,stat,mntr";
}

/// <summary>One JVM for every companion test class (they run one after another; Corral's run in parallel).</summary>
[CollectionDefinition(Name)]
public sealed class ApacheZooKeeperCollection : ICollectionFixture<ApacheZooKeeperFixture>
{
    public const string Name = "Apache ZooKeeper 3.8";
}
