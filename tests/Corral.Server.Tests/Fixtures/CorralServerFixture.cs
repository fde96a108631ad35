using Corral.Server.Configuration;
using Corral.Server.Hosting;

namespace Corral.Server.Tests.Fixtures;

/// <summary>
/// An in-process Corral server with the real core on a free loopback port, configured like the
/// Apache ZooKeeper fixture (tickTime 2000, TTL enabled, containers reaped every 500 ms, unlimited
/// connections per address, the same 4lw whitelist, the admin server on a free port). Stopped by the test class when it is done.
/// </summary>
public sealed class CorralServerFixture : IAsyncLifetime
{
    private string _dataDir = "";

    public CorralServer Server { get; private set; } = null!;
    public int Port => Server.ClientEndPoint.Port;
    public string ConnectString => Server.ConnectString;

    public static CorralServerOptions Options(string dataDir) => new()
    {
        ClientPort = 0,
        DataDir = dataDir,
        TickTime = 2000,
        ExtendedTypesEnabled = true,
        ContainerCheckIntervalMs = 500,
        MaxClientCnxns = 0,
        FourLetterWordWhitelist = new HashSet<string> { "*" },
        CostlyCommandsPerSecond = 0,
        // Port 0: parallel tests must not collide on the admin server's default 8080.
        AdminServerPort = 0,
    };

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("corral-server-").FullName;
        Server = await CorralServer.StartAsync(Options(_dataDir), CoreFactory.Create);
    }

    public async Task DisposeAsync()
    {
        await Server.StopAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}

/// <summary>One in-process Corral server shared by the suites that run against the real core.</summary>
[CollectionDefinition(Name)]
public sealed class CorralServerCollection : ICollectionFixture<CorralServerFixture>
{
    public const string Name = "Corral server";
}
