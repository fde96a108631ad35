using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Corral.Server.Tests.Fixtures;

/// <summary>
/// A real Apache ZooKeeper 3.8 (the Debian package) on a free loopback port with a temporary dataDir,
/// configured like the Corral fixture (tickTime 2000, TTL enabled, containers checked every 500 ms,
/// every four-letter word Corral implements whitelisted). Used to prove that every interop script encodes real ZooKeeper
/// behaviour. Stopped by killing the JVM we started, by PID.
/// </summary>
public sealed class ApacheZooKeeperFixture : IAsyncLifetime
{
    public const string ZooKeeperJar = "/usr/share/java/zookeeper.jar";

    private Process? _process;
    private string _dir = "";
    private readonly StringBuilder _log = new();

    public int Port { get; private set; }
    public string ConnectString => $"127.0.0.1:{Port}";

    /// <summary>True when ZooKeeper 3.8 and Java are installed (scripts/install-deps.sh installs them).</summary>
    public static bool Installed => File.Exists(ZooKeeperJar) && File.Exists("/usr/bin/java");

    public async Task InitializeAsync()
    {
        if (!Installed) throw new InvalidOperationException($"Apache ZooKeeper is not installed ({ZooKeeperJar}); run scripts/install-deps.sh");
        _dir = Directory.CreateTempSubdirectory("corral-zk-").FullName;
        Port = FreePort.Next();
        File.WriteAllText(Path.Combine(_dir, "zoo.cfg"), $"""
            tickTime=2000
            dataDir={_dir}/data
            clientPort={Port}
            clientPortAddress=127.0.0.1
            maxClientCnxns=0
            admin.enableServer=false
            4lw.commands.whitelist=srvr,ruok,stat,mntr,isro,conf,envi,cons,crst,srst,dump,wchs,wchc,wchp,dirs,hash
            """);
        File.WriteAllText(Path.Combine(_dir, "log4j.properties"), "log4j.rootLogger=WARN, CONSOLE\nlog4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender\nlog4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout\n");
        var psi = new ProcessStartInfo("/usr/bin/java")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                     "-Dzookeeper.extendedTypesEnabled=true", "-Dznode.container.checkIntervalMs=500",
                     "-cp", $"{_dir}:{ZooKeeperJar}", "org.apache.zookeeper.server.ZooKeeperServerMain", Path.Combine(_dir, "zoo.cfg"),
                 })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        try
        {
            await Deadline.WaitUntilAsync(async () => _process.HasExited
                    ? throw new InvalidOperationException($"ZooKeeper exited with {_process.ExitCode}:\n{Log}")
                    : await ServingAsync(), TimeSpan.FromSeconds(60), "Apache ZooKeeper to serve requests");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>ruok answers before the database is loaded; srvr says "not currently serving" until it is.</summary>
    private async Task<bool> ServingAsync()
    {
        try
        {
            // Each probe is bounded: a JVM still starting may accept and then say nothing.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("srvr"u8.ToArray(), cts.Token);
            using var text = new StreamReader(stream, Encoding.ASCII);
            return (await text.ReadToEndAsync(cts.Token)).StartsWith("Zookeeper version:", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_dir.Length > 0 && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>One JVM for every companion test class (they run one after another; Corral's run in parallel).</summary>
[CollectionDefinition(Name)]
public sealed class ApacheZooKeeperCollection : ICollectionFixture<ApacheZooKeeperFixture>
{
    public const string Name = "Apache ZooKeeper 3.8";
}
