using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Corral.Server.Configuration;

namespace Corral.Server.Security;

/// <summary>ssl.clientAuth: whether the secure port asks for, or insists on, a client certificate.</summary>
public enum ClientAuthMode { None, Want, Need }

/// <summary>
/// The secure client port's TLS material, loaded from the ssl.* keys: the server certificate with its
/// private key (PKCS#12 / PFX, or PEM holding the key and the certificate chain) and the certificates
/// trusted to sign client certificates (PEM or PKCS#12; none means the operating system's roots).
/// </summary>
public sealed class TlsSettings
{
    private TlsSettings(X509Certificate2 serverCertificate, X509Certificate2Collection? trusted, ClientAuthMode clientAuth)
    {
        ServerCertificate = serverCertificate;
        TrustedRoots = trusted;
        ClientAuth = clientAuth;
    }

    public X509Certificate2 ServerCertificate { get; }
    public X509Certificate2Collection? TrustedRoots { get; }
    public ClientAuthMode ClientAuth { get; }

    /// <summary>Loads the key and trust stores named by <paramref name="o"/>; errors name the key and the file.</summary>
    public static TlsSettings Load(CorralServerOptions o)
    {
        if (o.SslKeyStoreLocation is null)
            throw new ConfigurationException($"secureClientPort={o.SecureClientPort}: ssl.keyStore.location must name the server's certificate and key");
        var certificate = LoadKeyStore("ssl.keyStore.location", o.SslKeyStoreLocation, o.SslKeyStorePassword, o.SslKeyStoreType);
        var trusted = o.SslTrustStoreLocation is null ? null
            : LoadTrustStore("ssl.trustStore.location", o.SslTrustStoreLocation, o.SslTrustStorePassword, o.SslTrustStoreType);
        return new TlsSettings(certificate, trusted, o.SslClientAuth);
    }

    /// <summary>
    /// Kestrel's client-certificate check: the chain must lead to one of <see cref="TrustedRoots"/>
    /// (or, without a trust store, to a system root). Host names are not checked for clients,
    /// as in ZooKeeper's client port.
    /// </summary>
    public bool ValidateClientCertificate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (TrustedRoots is null) return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(TrustedRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
            foreach (var element in chain.ChainElements)
                if (!element.Certificate.Equals(certificate)) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        return custom.Build(certificate);
    }

    private static X509Certificate2 LoadKeyStore(string key, string path, string? password, string? type)
    {
        try
        {
            // A PEM key store holds the private key (encrypted when a password is set) and the chain.
            var certificate = !IsPem(path, type) ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
                : password is { Length: > 0 } ? X509Certificate2.CreateFromEncryptedPemFile(path, password)
                : X509Certificate2.CreateFromPemFile(path);
            if (!certificate.HasPrivateKey) throw new ConfigurationException($"{key}={path}: holds no private key for the certificate");
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ConfigurationException($"{key}={path}: cannot load the certificate and key ({e.Message})");
        }
    }

    private static X509Certificate2Collection LoadTrustStore(string key, string path, string? password, string? type)
    {
        try
        {
            var collection = new X509Certificate2Collection();
            if (IsPem(path, type)) collection.ImportFromPemFile(path);
            else collection.AddRange(X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password));
            if (collection.Count == 0) throw new ConfigurationException($"{key}={path}: holds no certificates");
            return collection;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ConfigurationException($"{key}={path}: cannot load the trusted certificates ({e.Message})");
        }
    }

    // ssl.keyStore.type / ssl.trustStore.type as ZooKeeper names them (PEM, PKCS12); otherwise by file extension.
    private static bool IsPem(string path, string? type)
    {
        if (type is not null) return type.Equals("PEM", StringComparison.OrdinalIgnoreCase);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return ext is ".pem" or ".crt" or ".cer" or ".key";
    }
}
