namespace Corral.Client.Tests.Tls;

/// <summary>
/// The companion of <see cref="TlsServerFixture"/>: Apache ZooKeeper 3.8 with the Netty connection
/// factory, a secure port using the same kind of run-time certificates (PEM stores, client auth
/// needed) and the x509 provider registered, so the TLS interop checks are shown to encode real
/// ZooKeeper behaviour.
/// </summary>
public sealed class ApacheZooKeeperTlsFixture : ApacheZooKeeperFixture, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Certs.Dispose();
    }

    public TestCertificates Certs { get; } = new();
    public int SecurePort { get; } = FreePort();
    public string SecureConnectString => $"127.0.0.1:{SecurePort}";

    protected override string ExtraConfig => $"""
        secureClientPort={SecurePort}
        ssl.keyStore.location={Certs.ServerPem}
        ssl.keyStore.type=PEM
        ssl.trustStore.location={Certs.CaPem}
        ssl.trustStore.type=PEM
        authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider
        """;

    // Debian's netty-all.jar does not carry the codec and resolver classes the Netty factory needs.
    protected override IReadOnlyList<string> ExtraJars => ["netty-codec.jar", "netty-resolver.jar"];

    protected override IReadOnlyList<string> ExtraJvmArgs => ["-Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory"];
}
