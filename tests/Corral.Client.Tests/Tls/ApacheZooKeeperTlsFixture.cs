using Corral.Client.Tests.Infrastructure;

namespace Corral.Client.Tests.Tls;

/// <summary>
/// The companion of <see cref="TlsServerFixture"/>: Apache ZooKeeper 3.8 with the Netty connection
/// factory, a secure port using the same run-time certificates (PEM stores, client auth needed) and
/// the x509 provider registered, so the TLS interop scripts are shown to encode real ZooKeeper behaviour.
/// </summary>
public sealed class ApacheZooKeeperTlsFixture : IAsyncLifetime
{
    public ApacheZooKeeperTlsFixture()
    {
        SecurePort = ApacheZooKeeperFixture.FreePort();
        ZooKeeper = new ApacheZooKeeperFixture
        {
            ExtraConfig = $"""
                secureClientPort={SecurePort}
                ssl.keyStore.location={Certs.ServerPem}
                ssl.keyStore.type=PEM
                ssl.trustStore.location={Certs.CaPem}
                ssl.trustStore.type=PEM
                authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider
                """,
            ExtraJvmArgs = ["-Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory"],
            // Debian's netty-all.jar does not carry the codec and resolver classes the Netty factory needs.
            ExtraJars = ["netty-codec.jar", "netty-resolver.jar"],
        };
    }

    public TestCertificates Certs { get; } = new();
    public ApacheZooKeeperFixture ZooKeeper { get; }
    public int SecurePort { get; }
    public string SecureConnectString => $"127.0.0.1:{SecurePort}";

    public Task InitializeAsync() => ZooKeeper.InitializeAsync();

    public async Task DisposeAsync()
    {
        await ZooKeeper.DisposeAsync();
        Certs.Dispose();
    }
}
