using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Interop;

/// <summary>
/// The real-client scripts in interop/ (copied to the output directory). Each prints "ALL OK" as its
/// last line on success and exits non-zero with the failing check otherwise.
/// </summary>
public static class InteropScripts
{
    public const string Python = "/usr/bin/python3";
    public const string ZkCli = "/usr/share/zookeeper/bin/zkCli.sh";
    public const string CliMt = "/usr/lib/zookeeper/bin/cli_mt";

    public static async Task RunAndAssertAsync(string script, string connectString, TimeSpan timeout, params string[] extraArgs)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "interop", script);
        Assert.True(File.Exists(path), $"missing script {path}");
        var result = await ProcessRunner.RunAsync(Python, [path, connectString, .. extraArgs], timeout);
        string lastLine = result.StdOut.TrimEnd().Split('\n').LastOrDefault() ?? "";
        Assert.True(result.ExitCode == 0 && lastLine == "ALL OK",
            $"{script} against {connectString} exited {result.ExitCode}\n--- stdout\n{result.StdOut}\n--- stderr\n{result.StdErr}");
    }
}

/// <summary>
/// The interop suite, written once and run against two servers: Corral (the subject) and Apache
/// ZooKeeper 3.8 (the companion run that proves each script encodes real ZooKeeper behaviour).
/// </summary>
public abstract class InteropSuite
{
    protected abstract string ConnectString { get; }

    [Fact]
    public Task KazooExercisesEveryOperation() =>
        InteropScripts.RunAndAssertAsync("kazoo_ops.py", ConnectString, TimeSpan.FromSeconds(60), "--ttl");

    [Fact]
    public Task KazooRecipesBehave() =>
        InteropScripts.RunAndAssertAsync("kazoo_recipes.py", ConnectString, TimeSpan.FromSeconds(90));

    [Fact]
    public Task ZkCliCommandsPrintExpectedOutput() =>
        InteropScripts.RunAndAssertAsync("zkcli_check.py", ConnectString, TimeSpan.FromSeconds(90), InteropScripts.ZkCli);

    [Fact]
    public Task ZktopShowsTheServer() =>
        InteropScripts.RunAndAssertAsync("zktop_check.py", ConnectString, TimeSpan.FromSeconds(90));

    [Fact]
    public Task MntrThroughNetcatParses() =>
        InteropScripts.RunAndAssertAsync("mntr_nc_check.py", ConnectString, TimeSpan.FromSeconds(60));

    [Fact]
    public Task CClientCliMtCommandsSucceed() =>
        InteropScripts.RunAndAssertAsync("cli_mt_check.py", ConnectString, TimeSpan.FromSeconds(60), InteropScripts.CliMt);
}

/// <summary>The companion run: the same scripts against a real Apache ZooKeeper 3.8.</summary>
[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheZooKeeperInteropTests(ApacheZooKeeperFixture zk) : InteropSuite
{
    protected override string ConnectString => zk.ConnectString;
}

/// <summary>The subject: the same scripts against Corral.</summary>
[Collection(CorralServerCollection.Name)]
public sealed class CorralInteropTests(CorralServerFixture corral) : InteropSuite
{
    protected override string ConnectString => corral.ConnectString;
}
