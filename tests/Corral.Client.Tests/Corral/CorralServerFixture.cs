using Corral.Server.Configuration;
using Corral.Server.Hosting;

namespace Corral.Client.Tests.Infrastructure;

/// <summary>
/// An in-process Corral server (the real core) on a free 127.0.0.1 port, configured like the
/// Apache ZooKeeper fixture: tickTime 2000, TTL enabled, unlimited connections per address.
/// </summary>
public sealed class CorralServerFixture : IZooKeeperServer, IAsyncLifetime
{
    private string _dataDir = "";
    private CorralServer? _server;

    public string Name => "Corral";
    public int Port => _server!.ClientEndPoint.Port;
    public bool Is38 => false;

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("corral-client-server-").FullName;
        _server = await CorralServer.StartAsync(new CorralServerOptions
        {
            ClientPort = 0,
            ClientPortAddress = "127.0.0.1",
            DataDir = _dataDir,
            TickTime = 2000,
            ExtendedTypesEnabled = true,
            MaxClientCnxns = 0,
            // Port 0: parallel test runs must not collide on the admin server's default 8080.
            AdminServerPort = 0,
        }, CoreFactory.Create);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.StopAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
