using Corral.Cli.Shell;
using Corral.Client.Tests.Infrastructure;
using Corral.Protocol;
using Corral.Server.Configuration;

namespace Corral.Client.Tests;

/// <summary>
/// setquota / listquota / delquota and hard-quota enforcement, written once and run against Apache
/// ZooKeeper 3.8 and Corral, both with enforceQuota on. The expected lines are what zkCli 3.8 prints
/// against ZooKeeper 3.8 (stdout and stderr separately).
/// </summary>
public abstract class QuotaShellSuite(IZooKeeperServer server) : IAsyncLifetime
{
    private readonly string _root = "/q" + Guid.NewGuid().ToString("N")[..12];
    private readonly LockedStringWriter _out = new();
    private readonly LockedStringWriter _err = new();
    private ShellSession _shell = null!;

    public async Task InitializeAsync()
    {
        _shell = new ShellSession(server.ConnectionString, TimeSpan.FromSeconds(10), _out, _err);
        await _shell.ConnectAsync(server.ConnectionString).Within();
    }

    public async Task DisposeAsync()
    {
        await RunAsync($"delquota {_root}");
        await RunAsync($"deleteall {_root}");
        await _shell.DisposeAsync();
    }

    /// <summary>Runs one line; returns (ok, stdout, stderr) of that line alone.</summary>
    private async Task<(bool Ok, string Out, string Err)> RunAsync(string line)
    {
        _out.Clear();
        _err.Clear();
        var outcome = await _shell.ExecuteAsync(line).Within();
        return (outcome.Ok, _out.ToString().Replace("\r\n", "\n"), _err.ToString().Replace("\r\n", "\n"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Hard_quotas_refuse_writes_and_the_commands_print_zkcli_lines()
    {
        string r = _root;
        Assert.Equal((true, $"Created {r}\n", ""), await RunAsync($"create {r} hello"));
        Assert.Equal((true, "", ""), await RunAsync($"setquota -N 2 {r}"));
        Assert.Equal((true,
                $"Output quota for {r} count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=2\nOutput stat for {r} count=1,bytes=5\n",
                $"absolute path is /zookeeper/quota{r}/zookeeper_limits\n"),
            await RunAsync($"listquota {r}"));
        Assert.Equal((true, $"Created {r}/b\n", ""), await RunAsync($"create {r}/b x"));
        Assert.Equal((false, "", $"Quota has exceeded : {r}/c\n"), await RunAsync($"create {r}/c y"));

        await using (var client = await CorralClient.ConnectAsync(server.ConnectionString).Within())
        {
            var e = await Assert.ThrowsAsync<QuotaExceededException>(() => client.CreateAsync($"{r}/c", "y"));
            Assert.Equal((ErrorCode.QuotaExceeded, -125, $"{r}/c"), (e.Code, (int)e.Code, e.Path));
        }

        Assert.Equal((true, "[Warning]: the bytes quota you create is less than the existing bytes:6\n", ""), await RunAsync($"setquota -b 3 {r}"));
        Assert.Equal((true, "", ""), await RunAsync($"set {r} hellohello")); // a soft limit never refuses
        Assert.Equal((true, "", ""), await RunAsync($"delquota -N {r}"));
        Assert.Equal(
            $"Output quota for {r} count=-1,bytes=3=;byteHardLimit=-1;countHardLimit=-1\nOutput stat for {r} count=2,bytes=11\n",
            (await RunAsync($"listquota {r}")).Out);
        Assert.Equal((true, $"Created {r}/c\n", ""), await RunAsync($"create {r}/c y"));

        // The soft byte limit (3) is still below the usage, so zkCli warns again.
        Assert.Equal((true, "[Warning]: the bytes quota you create is less than the existing bytes:12\n", ""), await RunAsync($"setquota -B 12 {r}"));
        Assert.Equal((false, "", $"Quota has exceeded : {r}/c\n"), await RunAsync($"set {r}/c yy"));
        Assert.Equal((true, "", ""), await RunAsync($"set {r}/c z"));

        Assert.Equal((true, "", ""), await RunAsync($"delquota {r}"));
        Assert.Equal((false, "", $"absolute path is /zookeeper/quota{r}/zookeeper_limits\nquota for {r} does not exist.\n"),
            await RunAsync($"listquota {r}"));
        Assert.Equal((true, $"Quota does not exist for {r}\n", ""), await RunAsync($"delquota {r}"));
        Assert.DoesNotContain(r[1..], (await RunAsync("ls /zookeeper/quota")).Out); // the quota's nodes are trimmed away
        Assert.Equal((true, $"Created {r}/d\n", ""), await RunAsync($"create {r}/d"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Setquota_refuses_nested_quotas_missing_nodes_and_bad_values()
    {
        string r = _root;
        await RunAsync($"create {r}");
        await RunAsync($"create {r}/child");
        Assert.Equal((true, "", ""), await RunAsync($"setquota -n 5 {r}/child"));
        Assert.Equal((false, "", $"{r} has a child {r}/child which has a quota\n"), await RunAsync($"setquota -n 5 {r}"));
        Assert.Equal((true, "", ""), await RunAsync($"delquota {r}/child"));
        Assert.Equal((true, "", ""), await RunAsync($"setquota -n 5 {r}"));
        Assert.Equal((false, "", $"{r}/child has a parent {r} which has a quota\n"), await RunAsync($"setquota -n 5 {r}/child"));
        Assert.Equal((false, "", $"{r}/nope does not exist.\n"), await RunAsync($"setquota -n 5 {r}/nope"));
        Assert.Equal((false, "", "the num quota must be greater than zero\n"), await RunAsync($"setquota -n 0 {r}"));
        Assert.Equal((false, "", "the bytes quota must be greater than or equal to zero\n"), await RunAsync($"setquota -b -1 {r}"));
        Assert.Equal((false, "", "NumberFormatException happens when parsing the option value\n"), await RunAsync($"setquota -n abc {r}"));
        Assert.Equal((false, "", "cannot set a quota under the path: /zookeeper/quota\n"), await RunAsync("setquota -n 3 /zookeeper/quota/x"));
        Assert.Equal("Output stat for " + r + " count=2,bytes=0\n", (await RunAsync($"listquota {r}")).Out.Split('\n')[1] + "\n");
    }
}

/// <summary>Apache ZooKeeper 3.8 with zookeeper.enforceQuota=true.</summary>
public sealed class EnforcingZooKeeper : ApacheZooKeeperFixture
{
    protected override bool EnforceQuota => true;
}

/// <summary>Corral with enforceQuota=true.</summary>
public sealed class EnforcingCorral : CorralServerFixture
{
    protected override void Configure(CorralServerOptions options) => options.EnforceQuota = true;
}

public sealed class ApacheZooKeeperQuotaShellTests(EnforcingZooKeeper server) : QuotaShellSuite(server), IClassFixture<EnforcingZooKeeper>;
public sealed class CorralQuotaShellTests(EnforcingCorral server) : QuotaShellSuite(server), IClassFixture<EnforcingCorral>;
