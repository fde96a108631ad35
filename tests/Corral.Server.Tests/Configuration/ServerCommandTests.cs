using Corral.Cli;
using Corral.Server.Configuration;

namespace Corral.Server.Tests.Configuration;

/// <summary>`corral server` option handling: precedence and exit code 2 for bad values.</summary>
public sealed class ServerCommandTests
{
    [Fact]
    public void CommandLineOverridesWinOverTheFile()
    {
        string cfg = Path.Combine(Directory.CreateTempSubdirectory("corral-cfg-").FullName, "zoo.cfg");
        File.WriteAllText(cfg, "tickTime=3000\nclientPort=2500\ndataDir=/from/file\nmaxClientCnxns=7\n");
        var o = ServerCommand.BuildOptions(new FileInfo(cfg), port: 2600, address: "127.0.0.2", dataDir: null, tickTime: 1000);
        Assert.Equal(2600, o.ClientPort);
        Assert.Equal("127.0.0.2", o.ClientPortAddress);
        Assert.Equal("/from/file", o.DataDir);
        Assert.Equal(1000, o.TickTime);
        Assert.Equal(7, o.MaxClientCnxns);
    }

    [Fact]
    public void StorageKeysReachTheDurableStore()
    {
        string cfg = Path.Combine(Directory.CreateTempSubdirectory("corral-cfg-").FullName, "zoo.cfg");
        File.WriteAllText(cfg, "dataDir=/d\ndataLogDir=/from/file\nforceSync=no\nsnapCount=5000\nautopurge.snapRetainCount=4\nautopurge.purgeInterval=2\n");
        var o = ServerCommand.BuildOptions(new FileInfo(cfg), null, null, null, null, dataLogDir: "/from/cli");
        var storage = Corral.Server.Hosting.CoreFactory.ToStorageOptions(o);
        Assert.Equal("/d", storage.DataDir);
        Assert.Equal("/from/cli", storage.EffectiveDataLogDir);
        Assert.False(storage.ForceSync);
        Assert.Equal(5000, storage.SnapCount);
        Assert.Equal(4, storage.SnapRetainCount);
        Assert.Equal(TimeSpan.FromHours(2), storage.PurgeInterval);
    }

    [Fact]
    public void OverridesAreValidatedWithTheFile()
    {
        string cfg = Path.Combine(Directory.CreateTempSubdirectory("corral-cfg-").FullName, "zoo.cfg");
        File.WriteAllText(cfg, "minSessionTimeout=30000\n");
        // tickTime 1000 makes maxSessionTimeout 20000, below the file's minimum.
        var e = Assert.Throws<ConfigurationException>(() => ServerCommand.BuildOptions(new FileInfo(cfg), null, null, null, 1000));
        Assert.Equal("minSessionTimeout (30000) must not be greater than maxSessionTimeout (20000)", e.Message);
    }

    [Fact]
    public void SetAppliesAnyKeyAfterTheFileAndTheOptions()
    {
        string cfg = Path.Combine(Directory.CreateTempSubdirectory("corral-cfg-").FullName, "zoo.cfg");
        File.WriteAllText(cfg, "tickTime=3000\nadmin.serverPort=9000\n");
        var o = ServerCommand.BuildOptions(new FileInfo(cfg), port: null, address: null, dataDir: null, tickTime: 1000,
            sets: ["tickTime=1500", "admin.serverPort=0", "server.1=zk1:2888:3888", "4lw.commands.whitelist=mntr, ruok"]);
        Assert.Equal(1500, o.TickTime);
        Assert.Equal(0, o.AdminServerPort);
        Assert.True(o.AdminEnableServer);
        Assert.True(ServerCommand.BuildOptions(null, null, null, null, null).AdminEnableServer);
        Assert.Equal("zk1", Assert.Single(o.Servers).Host);
        Assert.Equal(new HashSet<string> { "mntr", "ruok" }, o.FourLetterWordWhitelist);
    }

    [Theory]
    [InlineData("tickTme=1", "--set tickTme=1: unknown key tickTme")]
    [InlineData("clientPort=lots", "--set clientPort=lots: not a valid integer")]
    [InlineData("justakey", "--set justakey: expected key=value")]
    public void BadSetNamesTheKeyAndValue(string assignment, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => ServerCommand.BuildOptions(null, null, null, null, null, [assignment]));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("--set", "admin.serverPort=99999", "admin.serverPort=99999: must be between 0 and 65535")]
    [InlineData("--set", "nokey", "--set nokey: expected key=value")]
    [InlineData("--log-level", "loud", "--log-level")]
    [InlineData("--port", "abc", "--port")]
    [InlineData("--port", "70000", "--port 70000: must be between 0 and 65535")]
    [InlineData("--tick-time", "0", "--tick-time 0: must be a positive number of milliseconds")]
    [InlineData("--address", "nowhere", "--address nowhere: not an IP address")]
    [InlineData("--config", "/nonexistent/zoo.cfg", "--config /nonexistent/zoo.cfg: file does not exist")]
    public async Task BadValuesExitWithTwoAndNameTheOption(string option, string value, string expected)
    {
        var (code, stderr) = await RunCliAsync("server", option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task BadConfigFileExitsWithTwoAndNamesTheKey()
    {
        string cfg = Path.Combine(Directory.CreateTempSubdirectory("corral-cfg-").FullName, "zoo.cfg");
        File.WriteAllText(cfg, "tickTime=2000\nclientPort=lots\n");
        var (code, stderr) = await RunCliAsync("server", "--config", cfg);
        Assert.Equal(2, code);
        Assert.Contains($"{cfg}:2: clientPort=lots: not a valid integer", stderr);
    }

    [Fact]
    public async Task PortInUseExitsWithOne()
    {
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        int port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        string dataDir = Directory.CreateTempSubdirectory("corral-cli-").FullName;
        var (code, _) = await RunCliAsync("server", "--port", port.ToString(), "--data-dir", dataDir, "--set", "admin.serverPort=0");
        Assert.Equal(1, code);
    }

    /// <summary>Runs the CLI in-process with stderr captured (Console.Error is process-wide, so these tests serialize on a lock).</summary>
    private static async Task<(int Code, string StdErr)> RunCliAsync(params string[] args)
    {
        await ConsoleLock.WaitAsync();
        var original = Console.Error;
        try
        {
            var err = new StringWriter();
            Console.SetError(err);
            int code = await CorralCommand.RunAsync(args);
            return (code, err.ToString());
        }
        finally
        {
            Console.SetError(original);
            ConsoleLock.Release();
        }
    }

    private static readonly SemaphoreSlim ConsoleLock = new(1, 1);
}
