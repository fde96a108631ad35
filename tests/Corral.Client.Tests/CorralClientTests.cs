using Corral.Client.Tests.Infrastructure;

namespace Corral.Client.Tests;

/// <summary>The client suite against the Corral server.</summary>
public sealed class CorralClientTests(CorralServerFixture server)
    : ClientSuite(server), IClassFixture<CorralServerFixture>;
