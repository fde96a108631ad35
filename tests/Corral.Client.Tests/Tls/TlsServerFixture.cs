using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Corral.Server.Security;

namespace Corral.Client.Tests.Tls;

/// <summary>
/// A Corral server with a plain and a secure client port, certificates made at run time. The
/// secure port needs a client certificate signed by the test CA; CN=admin,O=Corral is the x509 super user.
/// </summary>
public sealed class TlsServerFixture : IAsyncLifetime
{
    private string _dataDir = "";

    public TestCertificates Certs { get; } = new();
    public CorralServer Server { get; private set; } = null!;
    public string SecureConnectString => $"127.0.0.1:{Server.SecureClientEndPoint!.Port}";
    public string PlainConnectString => Server.ConnectString;

    public static async Task<CorralServer> StartAsync(string dataDir, Action<CorralServerOptions> configure)
    {
        var options = new CorralServerOptions
        {
            ClientPort = 0,
            SecureClientPort = 0,
            DataDir = dataDir,
            MaxClientCnxns = 0,
            AdminEnableServer = false,
            FourLetterWordWhitelist = new HashSet<string> { "conf" },
        };
        configure(options);
        return await CorralServer.StartAsync(options, CoreFactory.Create);
    }

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("corral-tls-server-").FullName;
        Server = await StartAsync(_dataDir, o =>
        {
            o.SslKeyStoreLocation = Certs.ServerPem;
            o.SslTrustStoreLocation = Certs.CaPem;
            o.SslClientAuth = ClientAuthMode.Need;
            o.X509SuperUser = TestCertificates.AdminSubject;
        });
    }

    public async Task DisposeAsync()
    {
        await Server.StopAsync();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        Certs.Dispose();
    }
}
