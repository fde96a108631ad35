using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Corral.Cli.Shell;
using Corral.Client.Tests.Infrastructure;

namespace Corral.Client.Tests.Tls;

/// <summary>`corral shell --tls*` against a secure client port that needs a client certificate.</summary>
public sealed class ShellTlsTests(TlsServerFixture fx) : IClassFixture<TlsServerFixture>
{
    private static string Dll => typeof(ShellSession).Assembly.Location;
    private static string NewPath() => "/shell-tls-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task The_executable_runs_commands_over_tls_as_the_certificate_identity()
    {
        string path = NewPath();
        var (code, stdout, stderr) = await ClientSuite.RunProcessAsync(Dll,
            ["shell", "-s", fx.SecureConnectString, "--tls", "--tls-cert", fx.Certs.ClientPem, "--tls-ca", fx.Certs.CaPem,
             "-c", $"create {path} y", "-c", $"get {path}", "-c", "whoami"], null);
        Assert.Equal("", stderr);
        Assert.Equal($"Created {path}\ny\nAuth scheme: User\nx509: {TestCertificates.ClientSubject}\nip: 127.0.0.1\n", stdout);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task A_pkcs12_certificate_takes_its_password_from_the_environment()
    {
        string path = NewPath();
        var environment = new Dictionary<string, string> { [ShellTlsSettings.PasswordVariable] = TestCertificates.Password };
        var (code, stdout, stderr) = await ClientSuite.RunProcessAsync(Dll,
            ["shell", "-s", fx.SecureConnectString, "--tls-cert", fx.Certs.ClientPfx, "--tls-ca", fx.Certs.CaPem,
             "-c", $"create {path} y", "-c", "whoami"], null, environment);
        Assert.Equal("", stderr);
        Assert.Equal($"Created {path}\nAuth scheme: User\nx509: {TestCertificates.ClientSubject}\nip: 127.0.0.1\n", stdout);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Zkcli_client_properties_given_with_D_connect_over_tls()
    {
        var (code, stdout, stderr) = await ClientSuite.RunProcessAsync(Dll,
            ["shell", "-s", fx.SecureConnectString, "-Dzookeeper.client.secure=true",
             $"-Dzookeeper.ssl.keyStore.location={fx.Certs.ClientPfx}", "-Dzookeeper.ssl.keyStore.type=PKCS12",
             $"-Dzookeeper.ssl.keyStore.password={TestCertificates.Password}",
             $"-Dzookeeper.ssl.trustStore.location={fx.Certs.CaPem}", "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
             "-c", "whoami"], null);
        Assert.Equal("", stderr);
        Assert.Equal($"Auth scheme: User\nx509: {TestCertificates.ClientSubject}\nip: 127.0.0.1\n", stdout);
        Assert.Equal(0, code);
    }

    [Fact]
    public void Client_properties_choose_tls_only_with_client_secure_true()
    {
        var none = new ShellTlsSettings();
        Assert.Null(ShellClientProperties.Apply(["zookeeper.ssl.trustStore.location=ca.pem"], none, flagsChoseTls: false));
        Assert.Null(ShellClientProperties.Apply(["zookeeper.client.secure=false", "ssl.trustStore.location=ca.pem"], none, flagsChoseTls: false));
        Assert.Equal(new ShellTlsSettings { TrustedRootsPath = "ca.pem", TrustedRootsType = "PEM", VerifyHostName = false },
            ShellClientProperties.Apply(["zookeeper.client.secure=true", "ssl.trustStore.location=ca.pem",
                "zookeeper.ssl.trustStore.type=PEM", "zookeeper.ssl.hostnameVerification=false", "zookeeper.sasl.client=false"], none, false));
        // --tls* flags already chose TLS: properties add to them.
        Assert.Equal(new ShellTlsSettings { CertificatePath = "c.pem", TrustedRootsPath = "ca.pem" },
            ShellClientProperties.Apply(["zookeeper.ssl.trustStore.location=ca.pem"], new ShellTlsSettings { CertificatePath = "c.pem" }, flagsChoseTls: true));
        Assert.Equal("-Dzookeeper.client.secure=yes: expected true or false",
            Assert.Throws<ShellException>(() => ShellClientProperties.Apply(["zookeeper.client.secure=yes"], none, false)).Message);
        Assert.Equal("-Dnovalue: expected -Dkey=value",
            Assert.Throws<ShellException>(() => ShellClientProperties.Apply(["novalue"], none, false)).Message);
    }

    [Fact]
    public async Task A_missing_ca_file_is_reported_before_connecting_with_exit_code_2()
    {
        string missing = Path.Combine(fx.Certs.Directory, "no-such-ca.pem");
        var (code, stdout, stderr) = await ClientSuite.RunProcessAsync(Dll,
            ["shell", "-s", fx.SecureConnectString, "--tls-cert", fx.Certs.ClientPem, "--tls-ca", missing, "-c", "ls /"], null);
        Assert.Equal($"--tls-ca {missing}: no such file\n", stderr);
        Assert.Equal("", stdout);
        Assert.Equal(2, code);
    }

    [Fact]
    public async Task Separate_certificate_and_key_files_work_and_connect_keeps_tls()
    {
        var tls = new ShellTlsSettings { CertificatePath = fx.Certs.ClientCertPem, KeyPath = fx.Certs.ClientKeyPem, TrustedRootsPath = fx.Certs.CaPem }.Load();
        var output = new LockedStringWriter();
        var error = new LockedStringWriter();
        await using var shell = new ShellSession(fx.SecureConnectString, TimeSpan.FromSeconds(10), output, error, tls);
        await shell.ConnectAsync(fx.SecureConnectString).Within();
        Assert.Equal(ConnectionState.Connected, shell.State);
        Assert.True((await shell.ExecuteAsync("close").Within()).Ok);
        Assert.True((await shell.ExecuteAsync($"connect {fx.SecureConnectString}").Within()).Ok);
        output.Clear();
        Assert.True((await shell.ExecuteAsync("whoami").Within()).Ok);
        Assert.Equal($"Auth scheme: User\nx509: {TestCertificates.ClientSubject}\nip: 127.0.0.1\n", output.ToString().Replace("\r\n", "\n"));
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Unusable_files_give_errors_naming_the_flag_and_the_file()
    {
        string Error(ShellTlsSettings settings) => Assert.Throws<ShellException>(() => settings.Load()).Message;
        var certs = fx.Certs;
        Assert.Equal($"--tls-key {certs.ClientKeyPem}: needs --tls-cert naming the certificate it belongs to",
            Error(new ShellTlsSettings { KeyPath = certs.ClientKeyPem }));
        string missingKey = Path.Combine(certs.Directory, "none.key");
        Assert.Equal($"--tls-key {missingKey}: no such file",
            Error(new ShellTlsSettings { CertificatePath = certs.ClientCertPem, KeyPath = missingKey }));
        // A certificate without its key (PEM) cannot serve as a client certificate.
        Assert.StartsWith($"--tls-cert {certs.ClientCertPem}: cannot load the certificate and key (",
            Error(new ShellTlsSettings { CertificatePath = certs.ClientCertPem }));
        Assert.StartsWith($"--tls-cert {certs.ClientPfx}: cannot load the certificate and key (",
            Error(new ShellTlsSettings { CertificatePath = certs.ClientPfx, Password = "wrong" }));
        Assert.Equal($"--tls-ca {certs.ClientKeyPem}: holds no certificates",
            Error(new ShellTlsSettings { TrustedRootsPath = certs.ClientKeyPem }));
        Assert.StartsWith($"--tls-ca {certs.CaPem}: JKS stores are not supported; convert with keytool",
            Error(new ShellTlsSettings { TrustedRootsPath = certs.CaPem, TrustedRootsType = "JKS" }));
        // A type overrides the extension: a PEM file read as PKCS#12 fails to load.
        Assert.StartsWith($"--tls-ca {certs.CaPem}: cannot load the trusted certificates (",
            Error(new ShellTlsSettings { TrustedRootsPath = certs.CaPem, TrustedRootsType = "PKCS12" }));
    }

    [Fact]
    public async Task Skipping_the_host_name_check_accepts_a_server_certificate_that_names_another_host()
    {
        // A server whose certificate is signed by the trusted CA but names only other.example, not 127.0.0.1.
        string dataDir = Directory.CreateTempSubdirectory("corral-shell-tls-").FullName;
        string serverPem = Path.Combine(dataDir, "other-host.pem");
        WriteServerCertificateFor("other.example", serverPem);
        var server = await TlsServerFixture.StartAsync(dataDir, o =>
        {
            o.SslKeyStoreLocation = serverPem;
            o.SslTrustStoreLocation = fx.Certs.CaPem;
        });
        try
        {
            string connect = $"127.0.0.1:{server.SecureClientEndPoint!.Port}";
            async Task<(ConnectionState State, string Error)> TryAsync(bool verifyHostName)
            {
                var tls = new ShellTlsSettings
                {
                    CertificatePath = fx.Certs.AdminPem, TrustedRootsPath = fx.Certs.CaPem, VerifyHostName = verifyHostName,
                }.Load();
                var error = new LockedStringWriter();
                await using var shell = new ShellSession(connect, TimeSpan.FromSeconds(3), new LockedStringWriter(), error, tls);
                await shell.ConnectAsync(connect).Within();
                return (shell.State, error.ToString());
            }
            var refused = await TryAsync(verifyHostName: true);
            Assert.NotEqual(ConnectionState.Connected, refused.State);
            Assert.Contains($"Could not connect to {connect}", refused.Error);
            Assert.Equal((ConnectionState.Connected, ""), await TryAsync(verifyHostName: false));
        }
        finally
        {
            await server.StopAsync();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private void WriteServerCertificateFor(string dnsName, string pemPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(fx.Certs.Ca, now.AddDays(-1), now.AddDays(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        File.WriteAllText(pemPath, key.ExportPkcs8PrivateKeyPem() + "\n" + issued.ExportCertificatePem() + "\n");
    }
}
