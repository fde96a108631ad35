using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Corral.Bench;

namespace Corral.Bench.Tests;

/// <summary>
/// Apache ZooKeeper 3.8 from Debian (scripts/install-deps.sh installs it), started standalone by
/// bench/zk-standalone.sh on a free loopback port for the tests of one class, and stopped by PID.
/// </summary>
public sealed class ZooKeeperFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "corral-bench-zk-" + Guid.NewGuid().ToString("N")[..8]);

    public int Port { get; private set; }
    public int Pid { get; private set; }
    public DnsEndPoint Host => new("127.0.0.1", Port);

    public async Task InitializeAsync()
    {
        Port = FreePort();
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot(), "bench", "zk-standalone.sh"), Port.ToString(), _dir])
        {
            RedirectStandardOutput = true,
        };
        using var script = Process.Start(start)!;
        string output = await script.StandardOutput.ReadToEndAsync();
        await script.WaitForExitAsync();
        Assert.Equal(0, script.ExitCode);
        Pid = int.Parse(output.Trim());
        var ready = await ReadyProbe.WaitAsync(Host, "/", TimeSpan.FromSeconds(90), CancellationToken.None);
        Assert.True(ready is not null, $"ZooKeeper did not start on port {Port}; see {_dir}/zk.log");
    }

    public Task DisposeAsync()
    {
        try
        {
            using var zk = Process.GetProcessById(Pid);
            zk.Kill();
            zk.WaitForExit(10_000);
        }
        catch (ArgumentException) { } // already gone
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Corral.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Corral.slnx) not found above " + AppContext.BaseDirectory);
    }
}
