using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Interop;

/// <summary>
/// interop/CuratorCheck.java: Apache Curator 5 (the Debian libcurator-*-java jars, installed by
/// scripts/install-deps.sh) driving one server. It is compiled with javac once per test run into a
/// temporary directory and prints "OK name" or "FAIL name why" per check.
/// </summary>
public static class CuratorCheck
{
    private static readonly string[] Jars =
    [
        "curator-framework.jar", "curator-client.jar", "curator-recipes.jar", "zookeeper.jar", "zookeeper-jute.jar",
        "guava.jar", "slf4j-api.jar", "slf4j-nop.jar",
    ];

    /// <summary>Every check the program runs, in its order; each must print "OK name".</summary>
    public static readonly string[] Checks =
    [
        "connect", "create_parents", "versions", "transaction", "mutex", "leader_latch", "curator_cache",
        "atomic_long", "protected_ephemeral_sequential",
    ];

    private static string ClassPath(string classesDir) =>
        string.Join(':', [classesDir, .. Jars.Select(j => Path.Combine("/usr/share/java", j))]);

    // One javac per test process: both servers' runs share the compiled class.
    private static readonly Lazy<Task<string>> Compiled = new(CompileAsync);

    private static async Task<string> CompileAsync()
    {
        foreach (var jar in Jars)
            Assert.True(File.Exists(Path.Combine("/usr/share/java", jar)), $"missing /usr/share/java/{jar}; run scripts/install-deps.sh");
        string source = Path.Combine(AppContext.BaseDirectory, "interop", "CuratorCheck.java");
        string dir = Directory.CreateTempSubdirectory("corral-curator-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        var result = await ProcessRunner.RunAsync("/usr/bin/javac", ["-nowarn", "-cp", ClassPath(dir), "-d", dir, source], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"javac failed ({result.ExitCode}):\n{result.Combined}");
        return dir;
    }

    public static async Task RunAndAssertAsync(string connectString)
    {
        string classes = await Compiled.Value;
        var result = await ProcessRunner.RunAsync("/usr/bin/java",
            ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", ClassPath(classes), "CuratorCheck", connectString],
            TimeSpan.FromSeconds(60));
        string report = $"CuratorCheck against {connectString} exited {result.ExitCode}\n--- stdout\n{result.StdOut}\n--- stderr\n{result.StdErr}";
        string[] lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.SequenceEqual(Checks.Select(c => "OK " + c)), report);
        Assert.True(result.ExitCode == 0, report);
    }
}

/// <summary>Curator against Corral (the subject).</summary>
[Collection(CorralServerCollection.Name)]
public sealed class CorralCuratorInteropTests(CorralServerFixture corral)
{
    [Fact]
    public Task CuratorFrameworkAndRecipesWork() => CuratorCheck.RunAndAssertAsync(corral.ConnectString);
}

/// <summary>The companion run: the same program against Apache ZooKeeper 3.8, proving its expectations are ZooKeeper's.</summary>
[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheZooKeeperCuratorInteropTests(ApacheZooKeeperFixture zk)
{
    [Fact]
    public Task CuratorFrameworkAndRecipesWork() => CuratorCheck.RunAndAssertAsync(zk.ConnectString);
}
