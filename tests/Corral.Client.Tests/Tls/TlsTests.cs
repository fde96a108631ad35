using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Corral.Client.Tests.Infrastructure;
using Corral.Protocol;
using Corral.Server.Security;

namespace Corral.Client.Tests.Tls;

/// <summary>The secure client port with our client: TLS, client-certificate auth as x509, the super user, refusals.</summary>
public sealed class TlsTests(TlsServerFixture fx) : IClassFixture<TlsServerFixture>
{
    private CorralClientOptions Options(X509Certificate2? clientCertificate, X509Certificate2? trusted = null) => new()
    {
        ConnectionString = fx.SecureConnectString,
        SessionTimeout = TimeSpan.FromSeconds(10),
        Tls = new CorralClientTlsOptions
        {
            ClientCertificate = clientCertificate,
            TrustedRoots = [trusted ?? fx.Certs.Ca],
        },
    };

    [Fact]
    public async Task Client_certificate_authenticates_as_x509_and_auth_acls_expand_to_it()
    {
        await using var zk = await CorralClient.ConnectAsync(Options(fx.Certs.Client)).Within();
        var who = await zk.WhoAmIAsync().Within();
        // In ZooKeeper's hash-set order (see JavaIdSetOrder), as zkCli's whoami would print them.
        Assert.Equal([new ClientInfo("x509", TestCertificates.ClientSubject), new ClientInfo("ip", "127.0.0.1")], who);

        string path = "/tls-auth-" + Guid.NewGuid().ToString("N");
        await zk.CreateAsync(path, [1], acl: [new Acl(Perms.All, new Id("auth", ""))]).Within();
        var acl = await zk.GetAclAsync(path).Within();
        Assert.Equal([new Acl(Perms.All, new Id("x509", TestCertificates.ClientSubject))], acl.Acl);

        // The same node over the plain port: no certificate, no access.
        await using var plain = await CorralClient.ConnectAsync(fx.PlainConnectString).Within();
        await Assert.ThrowsAsync<NoAuthException>(() => plain.GetDataAsync(path).Within());
        Assert.Equal([1], (await zk.GetDataAsync(path).Within()).Data);
    }

    [Fact]
    public async Task Conf_reports_the_bound_secure_port()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fx.Server.ClientEndPoint).WaitAsync(Wait.Default);
        await tcp.GetStream().WriteAsync("conf"u8.ToArray()).AsTask().WaitAsync(Wait.Default);
        using var reader = new StreamReader(tcp.GetStream());
        string text = await reader.ReadToEndAsync().WaitAsync(Wait.Default);
        Assert.Contains($"secureClientPort={fx.Server.SecureClientEndPoint!.Port}\n", text);
    }

    [Fact]
    public async Task The_configured_x509_super_user_bypasses_acls()
    {
        await using var zk = await CorralClient.ConnectAsync(Options(fx.Certs.Client)).Within();
        string path = "/tls-private-" + Guid.NewGuid().ToString("N");
        await zk.CreateAsync(path, [5], acl: [new Acl(Perms.All, new Id("x509", TestCertificates.ClientSubject))]).Within();

        await using var admin = await CorralClient.ConnectAsync(Options(fx.Certs.Admin)).Within();
        Assert.Contains(new ClientInfo("super", ""), await admin.WhoAmIAsync().Within());
        Assert.Equal([5], (await admin.GetDataAsync(path).Within()).Data);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_handshake_is_refused()
    {
        Assert.False(await HandshakeAndConnectAsync(null));
        Assert.False(await HandshakeAndConnectAsync(SelfSigned("CN=client,O=Corral")));
        Assert.True(await HandshakeAndConnectAsync(fx.Certs.Client));
    }

    [Fact]
    public async Task The_client_refuses_a_server_certificate_it_does_not_trust()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var options = Options(fx.Certs.Client, trusted: fx.Certs.Untrusted);
        options.ConnectTimeout = TimeSpan.FromSeconds(1);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CorralClient.ConnectAsync(options, cts.Token));
    }

    [Fact]
    public async Task A_pkcs12_key_store_with_client_auth_want_accepts_clients_without_certificates()
    {
        string dataDir = Directory.CreateTempSubdirectory("corral-tls-want-").FullName;
        await using var server = await TlsServerFixture.StartAsync(dataDir, o =>
        {
            o.SslKeyStoreLocation = fx.Certs.ServerPfx;
            o.SslKeyStorePassword = TestCertificates.Password;
            o.SslTrustStoreLocation = fx.Certs.CaPfx;
            o.SslTrustStorePassword = TestCertificates.Password;
            o.SslClientAuth = ClientAuthMode.Want;
        });
        try
        {
            var options = Options(null);
            options.ConnectionString = $"127.0.0.1:{server.SecureClientEndPoint!.Port}";
            await using (var anonymous = await CorralClient.ConnectAsync(options).Within())
                Assert.Equal([new ClientInfo("ip", "127.0.0.1")], await anonymous.WhoAmIAsync().Within());

            options.Tls!.ClientCertificate = fx.Certs.Client;
            await using var identified = await CorralClient.ConnectAsync(options).Within();
            Assert.Contains(new ClientInfo("x509", TestCertificates.ClientSubject), await identified.WhoAmIAsync().Within());
        }
        finally
        {
            await server.StopAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// A raw TLS connection: true when the server answers a ConnectRequest with a session, false when
    /// the handshake fails or the server closes the connection instead (TLS 1.3 reports a refused
    /// client certificate only on the first read).
    /// </summary>
    private async Task<bool> HandshakeAndConnectAsync(X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fx.Server.SecureClientEndPoint!).WaitAsync(Wait.Default);
        await using var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            }).WaitAsync(Wait.Default);
            using var frame = new FrameWriter(64);
            frame.WriteFrame(new ConnectRequest(0, 0, 10000, 0, new byte[16]));
            await ssl.WriteAsync(frame.WrittenMemory).AsTask().WaitAsync(Wait.Default);
            var buffer = new byte[4];
            int read = await ssl.ReadAtLeastAsync(buffer, 4, throwOnEndOfStream: false).AsTask().WaitAsync(Wait.Default);
            return read == 4;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return false;
        }
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest(subject, key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
