using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Corral.Client.Tests.Infrastructure;

/// <summary>
/// Starts Apache ZooKeeper 3.8 (Debian's /usr/share/java jars) standalone on a free 127.0.0.1 port
/// with a temporary data directory, extended types (TTL) enabled and every 4lw allowed; waits for
/// "imok"; kills the JVM by PID when the test class is done.
/// </summary>
public sealed class ApacheZooKeeperFixture : IZooKeeperServer, IAsyncLifetime
{
    private static readonly string[] Jars =
    [
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar", "netty-all.jar",
        "commons-io.jar", "metrics-core.jar", "snappy-java.jar", "commons-cli.jar",
    ];

    private Process? _process;
    private string _dir = "";

    public string Name => "Apache ZooKeeper 3.8";
    public int Port { get; private set; }
    public bool Is38 => true;

    /// <summary>More zoo.cfg lines (the TLS companion run adds a secure port), set before InitializeAsync.</summary>
    public string ExtraConfig { get; init; } = "";

    /// <summary>More jars from /usr/share/java for the class path, set before InitializeAsync.</summary>
    public IReadOnlyList<string> ExtraJars { get; init; } = [];

    /// <summary>More JVM arguments, set before InitializeAsync.</summary>
    public IReadOnlyList<string> ExtraJvmArgs { get; init; } = [];

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("corral-zk-").FullName;
        Port = FreePort();
        string cfg = Path.Combine(_dir, "zoo.cfg");
        File.WriteAllText(cfg, $"""
            tickTime=2000
            dataDir={_dir}/data
            clientPort={Port}
            clientPortAddress=127.0.0.1
            4lw.commands.whitelist=*
            admin.enableServer=false
            maxClientCnxns=0
            {ExtraConfig}
            """);
        var psi = new ProcessStartInfo("java")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "-Xmx256m", "-Dzookeeper.extendedTypesEnabled=true", "-Dzookeeper.admin.enableServer=false",
            .. ExtraJvmArgs,
            "-cp", string.Join(':', Jars.Concat(ExtraJars).Select(j => "/usr/share/java/" + j)),
            "org.apache.zookeeper.server.ZooKeeperServerMain", cfg,
        ];
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start java");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        // ruok answers as soon as the port is open; srvr reports a Mode only once sessions are served.
        while (await FourLetterWordAsync("ruok") != "imok" || !(await FourLetterWordAsync("srvr")).Contains("Mode: "))
        {
            if (_process.HasExited) throw new InvalidOperationException($"ZooKeeper exited with {_process.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("ZooKeeper did not answer ruok");
            await Task.Delay(100);
        }
    }

    public async Task<string> FourLetterWordAsync(string word)
    {
        // A server that is still starting may accept and never answer: bound every probe.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, Port, deadline.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(word), deadline.Token);
            var buffer = new byte[65536];
            var text = new StringBuilder();
            int n;
            while ((n = await socket.ReceiveAsync(buffer, deadline.Token)) > 0) text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            return text.ToString();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return "";
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
