using System.Text.RegularExpressions;
using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Host;

/// <summary>
/// Four-letter words on the client port, written once and run against Corral's host and against
/// Apache ZooKeeper 3.8 (both with every word Corral implements whitelisted), so the
/// expected layouts are ZooKeeper's, not ours.
/// </summary>
public abstract class FourLetterWordSuite
{
    protected abstract int Port { get; }

    protected async Task<string> AskAsync(string word)
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(word));
        return await client.ReadTextToEndAsync();
    }

    [Fact]
    public async Task RuokAnswersImokWithoutNewline() => Assert.Equal("imok", await AskAsync("ruok"));

    [Fact]
    public async Task SrvrHasZooKeeperLayout()
    {
        var lines = (await AskAsync("srvr")).Split('\n');
        Assert.Matches(@"^Zookeeper version: 3\.\d+\.\d+-.*, built on .+$", lines[0]);
        Assert.Matches(@"^Latency min/avg/max: \d+/\d+\.\d+/\d+$", lines[1]);
        Assert.Matches(@"^Received: \d+$", lines[2]);
        Assert.Matches(@"^Sent: \d+$", lines[3]);
        Assert.Matches(@"^Connections: [1-9]\d*$", lines[4]);
        Assert.Matches(@"^Outstanding: \d+$", lines[5]);
        Assert.Matches(@"^Zxid: 0x[0-9a-f]+$", lines[6]);
        Assert.Equal("Mode: standalone", lines[7]);
        Assert.Matches(@"^Node count: \d+$", lines[8]);
        Assert.Equal("", lines[9]);
        Assert.Equal(10, lines.Length);
    }

    [Fact]
    public async Task StatListsClientsThenTheSrvrLines()
    {
        // A live client connection that has exchanged one frame shows up in the Clients section.
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(ConnectRequestFrame());
        await client.ReadFrameAsync();

        var lines = (await AskAsync("stat")).Split('\n');
        Assert.Matches(@"^Zookeeper version: ", lines[0]);
        Assert.Equal("Clients:", lines[1]);
        int blank = Array.IndexOf(lines, "", 2);
        var clients = lines[2..blank];
        Assert.All(clients, l => Assert.Matches(@"^ /127\.0\.0\.1:\d+\[[01]\]\(queued=\d+,recved=\d+,sent=\d+\)$", l));
        int localPort = ((System.Net.IPEndPoint)client.Socket.LocalEndPoint!).Port;
        Assert.Contains(clients, l => l.StartsWith($" /127.0.0.1:{localPort}[1](queued=0,recved=1,sent=1", StringComparison.Ordinal));
        Assert.Matches(@"^Latency min/avg/max: ", lines[blank + 1]);
        Assert.Equal("Mode: standalone", lines[blank + 7]);
        Assert.Matches(@"^Node count: \d+$", lines[blank + 8]);
    }

    [Fact]
    public async Task MntrStartsWithZooKeepersKeys()
    {
        var lines = (await AskAsync("mntr")).TrimEnd('\n').Split('\n');
        Assert.All(lines, l => Assert.Matches(@"^zk_[A-Za-z0-9_]+\t.*$", l));
        var keys = lines.Select(l => l.Split('\t')[0]).ToList();
        Assert.Equal(["zk_version", "zk_server_state", "zk_ephemerals_count", "zk_num_alive_connections",
            "zk_avg_latency", "zk_outstanding_requests", "zk_znode_count"], keys.Take(7));
        var values = lines.ToDictionary(l => l.Split('\t')[0], l => l.Split('\t')[1]);
        Assert.Equal("standalone", values["zk_server_state"]);
        foreach (var key in new[] { "zk_packets_sent", "zk_packets_received", "zk_watch_count", "zk_global_sessions",
                     "zk_min_latency", "zk_max_latency", "zk_uptime", "zk_znode_count", "zk_ephemerals_count" })
            Assert.Matches(@"^\d+$", values[key]);
    }

    [Theory]
    [InlineData("gtmk")]
    [InlineData("stmk")]
    public async Task KnownWordOutsideTheWhitelistIsRefused(string word) =>
        Assert.Equal($"{word} is not executed because it is not in the whitelist.\n", await AskAsync(word));

    [Fact]
    public async Task ServerStillServesAfterFourLetterWords()
    {
        Assert.Equal("imok", await AskAsync("ruok"));
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(ConnectRequestFrame());
        var response = await client.ReadFrameAsync();
        Assert.True(response.Length >= 16);
    }

    /// <summary>A fresh-session ConnectRequest (45 bytes, 30 s timeout, readOnly false).</summary>
    public static byte[] ConnectRequestFrame()
    {
        var payload = new byte[45];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(12), 30000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(24), 16);
        return RawClient.Frame(payload);
    }
}

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheZooKeeperFourLetterWordTests(ApacheZooKeeperFixture zk) : FourLetterWordSuite
{
    protected override int Port => zk.Port;
}

/// <summary>The host's four-letter words over the echo core (figures come from EchoCore's fixed statistics).</summary>
public sealed class HostFourLetterWordTests : FourLetterWordSuite, IAsyncLifetime
{
    private Hosting.CorralServer _server = null!;
    protected override int Port => _server.ClientEndPoint.Port;

    public async Task InitializeAsync() => _server = await HostFixture.StartAsync(new EchoCore());
    public async Task DisposeAsync() => await _server.StopAsync();

    [Fact]
    public async Task SrvrReportsTheCoresFigures()
    {
        string text = await AskAsync("srvr");
        Assert.Contains("\nZxid: 0x2a\n", text);
        Assert.Contains("\nNode count: 7\n", text);
        Assert.Contains("\nConnections: 1\n", text); // the asking connection itself, as in ZooKeeper
    }

    [Fact]
    public async Task WhitelistCanBeNarrowedButSrvrAlwaysAnswers()
    {
        // ZooKeeper always adds srvr to the whitelist: zkServer.sh status depends on it.
        await using var narrow = await HostFixture.StartAsync(new EchoCore(), o => o.FourLetterWordWhitelist = new HashSet<string> { "ruok" });
        async Task<string> Ask(string word)
        {
            await using var client = await RawClient.ConnectAsync(narrow.ClientEndPoint.Port);
            await client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(word));
            return await client.ReadTextToEndAsync();
        }
        Assert.Equal("stat is not executed because it is not in the whitelist.\n", await Ask("stat"));
        Assert.StartsWith("Zookeeper version: ", await Ask("srvr"));
        Assert.Equal("imok", await Ask("ruok"));
    }

    [Fact]
    public async Task StarWhitelistEnablesEveryWordButTheTraceMaskOnes()
    {
        await using var all = await HostFixture.StartAsync(new EchoCore(), o => o.FourLetterWordWhitelist = new HashSet<string> { "*" });
        async Task<string> Ask(string word)
        {
            await using var client = await RawClient.ConnectAsync(all.ClientEndPoint.Port);
            await client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(word));
            return await client.ReadTextToEndAsync();
        }
        Assert.Equal("rw", await Ask("isro"));
        Assert.Equal("imok", await Ask("ruok"));
        Assert.StartsWith("clientPort=", await Ask("conf"));
        Assert.Equal("gtmk is not executed because it is not in the whitelist.\n", await Ask("gtmk"));
    }

    [Fact]
    public async Task TelnetInterruptJustCloses()
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync([0xff, 0xf4, 0xff, 0xfd]);
        Assert.Empty(await client.ReadToEndAsync());
    }
}

/// <summary>The four-letter words against Corral with the real core.</summary>
[Collection(CorralServerCollection.Name)]
public sealed class CorralFourLetterWordTests(CorralServerFixture corral) : FourLetterWordSuite
{
    protected override int Port => corral.Port;
}
