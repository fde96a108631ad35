using System.Text;
using Corral.Client;
using Corral.Protocol;
using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Host;

/// <summary>
/// The diagnostic four-letter words (conf, envi, cons, dump, wchs, wchc, wchp, dirs, crst, srst,
/// isro, hash), written once and run against Apache ZooKeeper 3.8 and Corral, so each expected
/// layout is ZooKeeper's. A real client session supplies the sessions, ephemerals and watches.
/// </summary>
public abstract class DiagnosticWordSuite
{
    protected abstract int Port { get; }

    protected async Task<string> AskAsync(string word)
    {
        await using var client = await RawClient.ConnectAsync(Port);
        await client.WriteAsync(Encoding.ASCII.GetBytes(word));
        return await client.ReadTextToEndAsync();
    }

    private static string[] Keys(string text, string separator) =>
        text.TrimEnd('\n').Split('\n').Select(l => l[..l.IndexOf(separator, StringComparison.Ordinal)]).ToArray();

    [Fact]
    public async Task ConfHasZooKeepersKeysInOrder()
    {
        string text = await AskAsync("conf");
        Assert.Equal(["clientPort", "secureClientPort", "dataDir", "dataDirSize", "dataLogDir", "dataLogSize", "tickTime",
            "maxClientCnxns", "minSessionTimeout", "maxSessionTimeout", "clientPortListenBacklog", "serverId"], Keys(text, "="));
        Assert.Contains($"clientPort={Port}\n", text);
        Assert.Contains("\ntickTime=2000\nmaxClientCnxns=0\nminSessionTimeout=4000\nmaxSessionTimeout=40000\n", text);
        Assert.Matches(@"\ndataDir=/.+/version-2\ndataDirSize=\d+\n", text);
    }

    [Fact]
    public async Task EnviListsZooKeepersEnvironmentKeys()
    {
        string text = await AskAsync("envi");
        Assert.StartsWith("Environment:\n", text);
        Assert.Equal(["zookeeper.version", "host.name", "java.version", "java.vendor", "java.home", "java.class.path",
            "java.library.path", "java.io.tmpdir", "java.compiler", "os.name", "os.arch", "os.version", "user.name", "user.home",
            "user.dir", "os.memory.free", "os.memory.max", "os.memory.total"], Keys(text["Environment:\n".Length..], "="));
        Assert.Matches(@"\nos\.memory\.free=\d+MB\nos\.memory\.max=\d+MB\nos\.memory\.total=\d+MB\n$", text);
    }

    [Fact]
    public async Task DirsPrintsTwoSizes() =>
        Assert.Matches(@"^datadir_size: \d+\nlogdir_size: \d+\n$", await AskAsync("dirs"));

    [Fact]
    public async Task IsroSaysReadWrite() => Assert.Equal("rw", await AskAsync("isro"));

    [Fact]
    public async Task ResetWordsConfirm()
    {
        Assert.Equal("Connection stats reset.\n", await AskAsync("crst"));
        Assert.Equal("Server stats reset.\n", await AskAsync("srst"));
    }

    [Fact]
    public async Task HashPrintsZxidDigestLines() =>
        Assert.Matches(@"^([0-9a-f]+: -?\d+\n)*$", await AskAsync("hash"));

    [Fact]
    public async Task ConsShowsTheSessionOfAConnectedClient()
    {
        await using var zk = await CorralClient.ConnectAsync($"127.0.0.1:{Port}");
        await zk.ExistsAsync("/");
        string sid = zk.SessionId.ToString("x");
        string text = await AskAsync("cons");
        Assert.EndsWith("\n\n", text);
        var lines = text.TrimEnd('\n').Split('\n');
        // The asking connection itself: no session yet.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ /127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)$"));
        string mine = Assert.Single(lines, l => l.Contains($",sid=0x{sid},", StringComparison.Ordinal));
        Assert.Matches(@"^ /127\.0\.0\.1:\d+\[1\]\(queued=0,recved=\d+,sent=\d+,sid=0x" + sid +
                       @",lop=(EXIS|PING),est=\d{13},to=\d+,lcxid=0x[0-9a-f]+,lzxid=0x[0-9a-f]+,lresp=\d+,llat=\d+,minlat=\d+,avglat=\d+,maxlat=\d+\)$", mine);
    }

    [Fact]
    public async Task DumpListsSessionsAndTheirEphemerals()
    {
        await using var zk = await CorralClient.ConnectAsync($"127.0.0.1:{Port}");
        string node = $"/dump-{Guid.NewGuid():N}";
        await zk.CreateAsync(node, "", CreateMode.Ephemeral);
        string sid = zk.SessionId.ToString("x");
        string text = await AskAsync("dump");
        var lines = text.Split('\n');
        Assert.Equal("SessionTracker dump:", lines[0]);
        Assert.Matches(@"^Session Sets \(\d+\)/\(\d+\):$", lines[1]);
        Assert.Matches(@"\n\d+ expire at \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \w+ \d{4}:\n(\t0x[0-9a-f]+\n)*\t0x" + sid + "\n", text);
        Assert.Contains($"ephemeral nodes dump:\nSessions with Ephemerals (", text);
        Assert.Contains($"\n0x{sid}:\n\t{node}\n", text);
        Assert.Matches(@"\nConnections dump:\nConnections Sets \(\d+\)/\(\d+\):\n", text);
        Assert.Matches(@"\n\tip: /127\.0\.0\.1:\d+ sessionId: 0x" + sid + "\n", text);
    }

    [Fact]
    public async Task WatchWordsListDataWatchesOnly()
    {
        await using var zk = await CorralClient.ConnectAsync($"127.0.0.1:{Port}");
        string root = $"/w-{Guid.NewGuid():N}";
        await zk.CreateAsync(root, "");
        await zk.GetDataWatchAsync(root);
        await zk.ExistsWatchAsync(root + "/absent");
        await zk.GetChildrenWatchAsync(root + "");
        string sid = zk.SessionId.ToString("x");

        Assert.Matches(@"^\d+ connections watching \d+ paths\nTotal watches:\d+\n$", await AskAsync("wchs"));
        string bySession = await AskAsync("wchc");
        Assert.EndsWith("\n\n", bySession);
        // One block per session: "0x<sid>" then a tab-indented line per path (in no particular order in ZooKeeper).
        var block = bySession.Split('\n').SkipWhile(l => l != $"0x{sid}").Skip(1).TakeWhile(l => l.StartsWith('\t')).Order().ToArray();
        Assert.Equal([$"\t{root}", $"\t{root}/absent"], block);
        string byPath = await AskAsync("wchp");
        Assert.EndsWith("\n\n", byPath);
        Assert.Contains($"{root}\n\t0x{sid}\n", byPath);
        Assert.Contains($"{root}/absent\n\t0x{sid}\n", byPath);
        // The child watch on root is not listed separately: ZooKeeper shows the data-watch table only.
        Assert.Single(byPath.Split('\n'), l => l == root);
    }
}

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheZooKeeperDiagnosticWordTests(ApacheZooKeeperFixture zk) : DiagnosticWordSuite
{
    protected override int Port => zk.Port;
}

[Collection(CorralServerCollection.Name)]
public sealed class CorralDiagnosticWordTests(CorralServerFixture corral) : DiagnosticWordSuite
{
    protected override int Port => corral.Port;
}
