using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Corral.Client;

namespace Corral.Cli.Shell;

/// <summary>
/// `corral shell`'s TLS flags (the counterpart of zkCli's zookeeper.client.secure and
/// zookeeper.ssl.* client properties), turned into <see cref="CorralClientTlsOptions"/>. Files are
/// PEM when they end in .pem/.crt/.cer/.key and PKCS#12 otherwise, unless a type (PEM, PKCS12) is
/// given, as for the server's stores.
/// </summary>
public sealed record ShellTlsSettings
{
    /// <summary>The environment variable read for the key password when --tls-password is not given.</summary>
    public const string PasswordVariable = "CORRAL_TLS_PASSWORD";

    /// <summary>The client certificate: PEM (with its key, or the key in <see cref="KeyPath"/>) or PKCS#12.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>The client certificate's private key (PEM) when it is not in the certificate file.</summary>
    public string? KeyPath { get; init; }

    /// <summary>The certificates trusted to sign the server's (PEM or PKCS#12); null trusts the system roots.</summary>
    public string? TrustedRootsPath { get; init; }

    /// <summary>The PKCS#12 password, or the PEM key's encryption password.</summary>
    public string? Password { get; init; }

    /// <summary>The password of a PKCS#12 trust store; null uses <see cref="Password"/>.</summary>
    public string? TrustedRootsPassword { get; init; }

    /// <summary>zookeeper.ssl.keyStore.type: PEM or PKCS12; null decides by file extension.</summary>
    public string? CertificateType { get; init; }

    /// <summary>zookeeper.ssl.trustStore.type: PEM or PKCS12; null decides by file extension.</summary>
    public string? TrustedRootsType { get; init; }

    /// <summary>Whether the server certificate must name the host connected to.</summary>
    public bool VerifyHostName { get; init; } = true;

    /// <summary>Loads the files; errors name the flag and the file and say what went wrong.</summary>
    /// <exception cref="ShellException">A file is missing, unreadable or holds the wrong thing.</exception>
    public CorralClientTlsOptions Load()
    {
        if (KeyPath is not null && CertificatePath is null)
            throw new ShellException($"--tls-key {KeyPath}: needs --tls-cert naming the certificate it belongs to");
        return new CorralClientTlsOptions
        {
            ClientCertificate = CertificatePath is null ? null
                : LoadCertificate(CertificatePath, KeyPath, Password, IsPem("--tls-cert", CertificatePath, CertificateType)),
            TrustedRoots = TrustedRootsPath is null ? null
                : LoadTrustedRoots(TrustedRootsPath, TrustedRootsPassword ?? Password, IsPem("--tls-ca", TrustedRootsPath, TrustedRootsType)),
            VerifyHostName = VerifyHostName,
        };
    }

    private static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password, bool pem)
    {
        RequireFile("--tls-cert", path);
        if (keyPath is not null) RequireFile("--tls-key", keyPath);
        try
        {
            var certificate = !pem ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
                : password is { Length: > 0 } secret ? X509Certificate2.CreateFromEncryptedPemFile(path, secret, keyPath)
                : X509Certificate2.CreateFromPemFile(path, keyPath);
            if (!certificate.HasPrivateKey)
                throw new ShellException($"--tls-cert {path}: holds no private key for the certificate (give it with --tls-key)");
            return certificate;
        }
        catch (Exception e) when (IsLoadFailure(e))
        {
            string files = keyPath is null ? path : $"{path} with --tls-key {keyPath}";
            throw new ShellException($"--tls-cert {files}: cannot load the certificate and key ({e.Message})");
        }
    }

    private static X509Certificate2Collection LoadTrustedRoots(string path, string? password, bool pem)
    {
        RequireFile("--tls-ca", path);
        try
        {
            var roots = new X509Certificate2Collection();
            if (pem) roots.ImportFromPemFile(path);
            else roots.AddRange(X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password));
            if (roots.Count == 0) throw new ShellException($"--tls-ca {path}: holds no certificates");
            return roots;
        }
        catch (Exception e) when (IsLoadFailure(e))
        {
            throw new ShellException($"--tls-ca {path}: cannot load the trusted certificates ({e.Message})");
        }
    }

    private static void RequireFile(string flag, string path)
    {
        if (!File.Exists(path)) throw new ShellException($"{flag} {path}: no such file");
    }

    private static bool IsLoadFailure(Exception e) =>
        e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException;

    private static bool IsPem(string flag, string path, string? type) => type?.ToUpperInvariant() switch
    {
        null => Path.GetExtension(path).ToLowerInvariant() is ".pem" or ".crt" or ".cer" or ".key",
        "PEM" => true,
        "PKCS12" => false,
        "JKS" => throw new ShellException($"{flag} {path}: JKS stores are not supported; convert with " +
            "keytool -importkeystore -srckeystore store.jks -destkeystore store.p12 -deststoretype PKCS12"),
        _ => throw new ShellException($"{flag} {path}: unknown store type {type} (PEM or PKCS12)"),
    };
}
