using Corral.Server.Configuration;

namespace Corral.Server.Tests.Fixtures;

/// <summary>
/// The shared in-process Corral fixture (tests/Shared) with the default four-letter-word whitelist,
/// configured like <see cref="ApacheZooKeeperFixture"/>.
/// </summary>
public sealed class CorralServerFixture : Corral.Tests.Shared.CorralServerFixture
{
    protected override void Configure(CorralServerOptions options) =>
        options.FourLetterWordWhitelist = CorralServerOptions.DefaultFourLetterWordWhitelist;
}

/// <summary>One in-process Corral server shared by the suites that run against the real core.</summary>
[CollectionDefinition(Name)]
public sealed class CorralServerCollection : ICollectionFixture<CorralServerFixture>
{
    public const string Name = "Corral server";
}
