using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Corral.Tests.Shared;

/// <summary>
/// A throw-away PKI made at run time (nothing secret is checked in): a CA, a server certificate for
/// 127.0.0.1/localhost and client certificates, all signed by the CA, written to a temporary
/// directory as PEM (key + certificate in one file, as ZooKeeper's PEM key stores hold them) and
/// PKCS#12. Deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "corral-test";
    public const string ClientSubject = "CN=client,O=Corral";
    public const string AdminSubject = "CN=admin,O=Corral";

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("corral-tls-").FullName;
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Corral Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        Server = Issue("CN=localhost,O=Corral", san.Build(), serverAuth: true);
        Client = Issue(ClientSubject, null, serverAuth: false);
        Admin = Issue(AdminSubject, null, serverAuth: false);

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var other = new CertificateRequest("CN=Some Other CA", otherKey, HashAlgorithmName.SHA256);
        other.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        Untrusted = other.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        File.WriteAllText(CaPem, Ca.ExportCertificatePem());
        File.WriteAllText(UntrustedCaPem, Untrusted.ExportCertificatePem());
        WritePem(Server, ServerPem);
        WritePem(Client, ClientPem, ClientCertPem, ClientKeyPem);
        WritePem(Admin, AdminPem);
        File.WriteAllBytes(ServerPfx, Server.Export(X509ContentType.Pkcs12, Password));
        File.WriteAllBytes(ClientPfx, Client.Export(X509ContentType.Pkcs12, Password));
        File.WriteAllBytes(CaPfx, Ca.Export(X509ContentType.Pkcs12, Password));
    }

    public string Directory { get; }
    public X509Certificate2 Ca { get; }
    public X509Certificate2 Untrusted { get; }
    public X509Certificate2 Server { get; }
    public X509Certificate2 Client { get; }
    public X509Certificate2 Admin { get; }

    public string CaPem => Path.Combine(Directory, "ca.pem");
    public string CaPfx => Path.Combine(Directory, "ca.p12");
    public string UntrustedCaPem => Path.Combine(Directory, "untrusted-ca.pem");
    public string ServerPem => Path.Combine(Directory, "server.pem");
    public string ServerPfx => Path.Combine(Directory, "server.p12");
    public string ClientPem => Path.Combine(Directory, "client.pem");
    public string ClientCertPem => Path.Combine(Directory, "client-cert.pem");
    public string ClientKeyPem => Path.Combine(Directory, "client-key.pem");
    public string ClientPfx => Path.Combine(Directory, "client.p12");
    public string AdminPem => Path.Combine(Directory, "admin.pem");

    private X509Certificate2 Issue(string subject, X509Extension? san, bool serverAuth)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (san is not null) request.CertificateExtensions.Add(san);
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Ca, now.AddDays(-1), now.AddDays(29), serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static void WritePem(X509Certificate2 certificate, string combined, string? certOnly = null, string? keyOnly = null)
    {
        string cert = certificate.ExportCertificatePem();
        string key = certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(combined, key + "\n" + cert + "\n");
        if (certOnly is not null) File.WriteAllText(certOnly, cert + "\n");
        if (keyOnly is not null) File.WriteAllText(keyOnly, key + "\n");
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
