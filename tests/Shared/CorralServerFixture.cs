using Corral.Server.Configuration;
using Corral.Server.Hosting;

namespace Corral.Tests.Shared;

/// <summary>
/// An in-process Corral server (the real core) on a free 127.0.0.1 port, configured like
/// <see cref="ApacheZooKeeperFixture"/>: TTL nodes enabled, containers reaped every 500 ms, unlimited
/// connections per address, every four-letter word allowed, no admin server. Subclasses change
/// <see cref="TickTime"/> or <see cref="Configure"/> more.
/// </summary>
public class CorralServerFixture : IZooKeeperServer, IAsyncLifetime
{
    private string _dataDir = "";

    public CorralServer Server { get; private set; } = null!;
    public string Name => "Corral";
    public int Port => Server.ClientEndPoint.Port;
    public bool Is38 => false;
    public string ConnectString => Server.ConnectString;

    /// <summary>tickTime in ms.</summary>
    protected virtual int TickTime => 2000;

    /// <summary>Adjusts the options after the defaults above are set.</summary>
    protected virtual void Configure(CorralServerOptions options) { }

    public CorralServerOptions Options(string dataDir)
    {
        var options = new CorralServerOptions
        {
            ClientPort = 0,
            ClientPortAddress = "127.0.0.1",
            DataDir = dataDir,
            TickTime = TickTime,
            ExtendedTypesEnabled = true,
            ContainerCheckIntervalMs = 500,
            MaxClientCnxns = 0,
            FourLetterWordWhitelist = new HashSet<string>(StringComparer.Ordinal) { "*" },
            // Tests never bind the admin HTTP port (8080 by default).
            AdminEnableServer = false,
            AdminServerPort = 0,
        };
        Configure(options);
        return options;
    }

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("corral-server-").FullName;
        Server = await CorralServer.StartAsync(Options(_dataDir), CoreFactory.Create);
    }

    public Task<string> FourLetterWordAsync(string word) => FourLetterWords.AskAsync("127.0.0.1", Port, word);

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.StopAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }
}
