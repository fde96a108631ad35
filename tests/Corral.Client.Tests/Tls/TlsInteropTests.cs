using Corral.Server.Tests.Fixtures;

namespace Corral.Client.Tests.Tls;

/// <summary>
/// Real ZooKeeper clients on a secure port with client certificates: kazoo (Python ssl) and the Java
/// client (ZooKeeperMain with ClientCnxnSocketNetty and PEM key/trust stores). Written once, run
/// against Corral and against Apache ZooKeeper 3.8 (the companion run).
/// </summary>
public abstract class TlsInteropSuite
{
    protected abstract string SecureConnectString { get; }
    protected abstract TestCertificates Certs { get; }

    private const string Python = "/usr/bin/python3";
    private const string Java = "/usr/bin/java";

    // zookeeper.jar's manifest lists netty-handler/transport/buffer/common; the Netty client socket
    // also needs codec and resolver, which Debian ships separately.
    private static readonly string JavaClassPath = string.Join(':',
        "/usr/share/java/zookeeper.jar", "/usr/share/java/netty-codec.jar", "/usr/share/java/netty-resolver.jar");

    [Fact]
    public async Task Kazoo_connects_with_a_client_certificate_and_gets_the_x509_identity()
    {
        string script = Path.Combine(AppContext.BaseDirectory, "interop", "kazoo_tls.py");
        var result = await ProcessRunner.RunAsync(Python,
            [script, SecureConnectString, Certs.CaPem, Certs.ClientCertPem, Certs.ClientKeyPem, TestCertificates.ClientSubject],
            TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0 && result.StdOut.TrimEnd().EndsWith("ALL OK", StringComparison.Ordinal),
            $"kazoo_tls.py exited {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
    }

    [Fact]
    public async Task Java_client_over_netty_tls_reports_the_certificate_subject_in_whoami()
    {
        var result = await ProcessRunner.RunAsync(Java,
        [
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dzookeeper.client.secure=true",
            "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
            $"-Dzookeeper.ssl.keyStore.location={Certs.ClientPem}", "-Dzookeeper.ssl.keyStore.type=PEM",
            $"-Dzookeeper.ssl.trustStore.location={Certs.CaPem}", "-Dzookeeper.ssl.trustStore.type=PEM",
            "-cp", JavaClassPath, "org.apache.zookeeper.ZooKeeperMain", "-server", SecureConnectString, "whoami",
        ], TimeSpan.FromSeconds(90));
        // ZooKeeperMain prints one "scheme: user" line per identity, in the server's order.
        // The watcher's connection event is printed from another thread and may land anywhere in between.
        var lines = result.StdOut.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("WATCHER::", StringComparison.Ordinal) && !l.StartsWith("WatchedEvent ", StringComparison.Ordinal))
            .ToList();
        int header = lines.IndexOf("Auth scheme: User");
        Assert.True(header >= 0, $"no whoami output (exit {result.ExitCode})\n{result.StdOut}\n{result.StdErr}");
        Assert.Equal([$"x509: {TestCertificates.ClientSubject}", "ip: 127.0.0.1"], lines.Skip(header + 1).Take(2));
    }
}

public sealed class CorralTlsInteropTests(TlsServerFixture fx) : TlsInteropSuite, IClassFixture<TlsServerFixture>
{
    protected override string SecureConnectString => fx.SecureConnectString;
    protected override TestCertificates Certs => fx.Certs;
}

public sealed class ApacheZooKeeperTlsInteropTests(ApacheZooKeeperTlsFixture fx) : TlsInteropSuite, IClassFixture<ApacheZooKeeperTlsFixture>
{
    protected override string SecureConnectString => fx.SecureConnectString;
    protected override TestCertificates Certs => fx.Certs;
}
