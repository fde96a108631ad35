using Corral.Client.Tests.Infrastructure;

namespace Corral.Client.Tests;

/// <summary>The client suite against Apache ZooKeeper 3.8 (interop tier).</summary>
public sealed class ApacheZooKeeperClientTests(ApacheZooKeeperFixture server)
    : ClientSuite(server), IClassFixture<ApacheZooKeeperFixture>;
