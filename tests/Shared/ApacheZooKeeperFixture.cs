using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Corral.Tests.Shared;

/// <summary>
/// Apache ZooKeeper 3.8 (Debian's /usr/share/java jars, installed by scripts/install-deps.sh)
/// standalone on a free 127.0.0.1 port with a temporary data directory, configured like
/// <see cref="CorralServerFixture"/>: TTL nodes enabled, containers reaped every 500 ms, unlimited
/// connections per address, no admin server. Ready once srvr reports a Mode (ruok answers before the
/// database is loaded). The JVM is killed by its PID when the fixture is disposed. Subclasses change
/// <see cref="TickTime"/>, <see cref="FourLetterWordWhitelist"/> or <see cref="EnforceQuota"/>.
/// </summary>
public class ApacheZooKeeperFixture : IZooKeeperServer, IAsyncLifetime
{
    public const string ZooKeeperJar = "/usr/share/java/zookeeper.jar";

    private static readonly string[] Jars =
    [
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar", "netty-all.jar",
        "commons-io.jar", "metrics-core.jar", "snappy-java.jar", "commons-cli.jar",
    ];

    private Process? _process;
    private string _dir = "";
    private readonly StringBuilder _log = new();

    public string Name => "Apache ZooKeeper 3.8";
    public int Port { get; private set; }
    public bool Is38 => true;
    public string ConnectString => $"127.0.0.1:{Port}";

    /// <summary>tickTime in ms (session timeouts are negotiated within 2..20 ticks).</summary>
    protected virtual int TickTime => 2000;

    /// <summary>4lw.commands.whitelist.</summary>
    protected virtual string FourLetterWordWhitelist => "*";

    /// <summary>zookeeper.enforceQuota: hard quotas reject writes with QUOTAEXCEEDED.</summary>
    protected virtual bool EnforceQuota => false;

    /// <summary>More zoo.cfg lines (the TLS companion run adds a secure port).</summary>
    protected virtual string ExtraConfig => "";

    /// <summary>More jars from /usr/share/java for the class path.</summary>
    protected virtual IReadOnlyList<string> ExtraJars => [];

    /// <summary>More JVM arguments.</summary>
    protected virtual IReadOnlyList<string> ExtraJvmArgs => [];

    /// <summary>True when ZooKeeper 3.8 and Java are installed.</summary>
    public static bool Installed => File.Exists(ZooKeeperJar) && File.Exists("/usr/bin/java");

    /// <summary>What the JVM printed so far (for failure messages).</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    public async Task InitializeAsync()
    {
        if (!Installed) throw new InvalidOperationException($"Apache ZooKeeper is not installed ({ZooKeeperJar}); run scripts/install-deps.sh");
        _dir = Directory.CreateTempSubdirectory("corral-zk-").FullName;
        Port = FreePort();
        string cfg = Path.Combine(_dir, "zoo.cfg");
        File.WriteAllText(cfg, $"""
            tickTime={TickTime}
            dataDir={_dir}/data
            clientPort={Port}
            clientPortAddress=127.0.0.1
            4lw.commands.whitelist={FourLetterWordWhitelist}
            admin.enableServer=false
            maxClientCnxns=0
            {ExtraConfig}
            """);
        var psi = new ProcessStartInfo("/usr/bin/java")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dzookeeper.extendedTypesEnabled=true", "-Dzookeeper.admin.enableServer=false",
            "-Dznode.container.checkIntervalMs=500", $"-Dzookeeper.enforceQuota={(EnforceQuota ? "true" : "false")}",
            .. ExtraJvmArgs,
            "-cp", string.Join(':', Jars.Concat(ExtraJars).Select(j => "/usr/share/java/" + j)),
            "org.apache.zookeeper.server.ZooKeeperServerMain", cfg,
        ];
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start java");
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        // ruok answers as soon as the port is open; srvr reports a Mode only once sessions are served.
        while (!(await FourLetterWordAsync("srvr")).Contains("Mode: "))
        {
            if (_process.HasExited)
            {
                var failure = new InvalidOperationException($"ZooKeeper exited with {_process.ExitCode}:\n{Log}");
                await DisposeAsync();
                throw failure;
            }
            if (DateTime.UtcNow > deadline)
            {
                await DisposeAsync();
                throw new TimeoutException("ZooKeeper did not start serving within 60 s");
            }
            await Task.Delay(100);
        }
    }

    public Task<string> FourLetterWordAsync(string word) => FourLetterWords.AskAsync("127.0.0.1", Port, word);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process?.Dispose();
        _process = null;
        try { if (_dir.Length > 0) Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
