using Corral.Server.Security;

namespace Corral.Server.Configuration;

/// <summary>The secure client port (TLS) and x509 settings; see docs/security.md.</summary>
public sealed partial class CorralServerOptions
{
    /// <summary>secureClientPort: a second client port speaking the same protocol inside TLS; null disables it, 0 binds a free port.</summary>
    public int? SecureClientPort { get; set; }

    /// <summary>secureClientPortAddress: the address the secure listener binds; null means <see cref="ClientPortAddress"/>.</summary>
    public string? SecureClientPortAddress { get; set; }

    /// <summary>ssl.keyStore.location: the server certificate and private key, PKCS#12 (.p12/.pfx) or PEM.</summary>
    public string? SslKeyStoreLocation { get; set; }

    /// <summary>ssl.keyStore.password: the PKCS#12 password, or the PEM private key's encryption password.</summary>
    public string? SslKeyStorePassword { get; set; }

    /// <summary>ssl.keyStore.type: PKCS12 or PEM; null guesses from the file extension (.pem/.crt/.cer/.key are PEM).</summary>
    public string? SslKeyStoreType { get; set; }

    /// <summary>ssl.trustStore.location: certificates that may sign client certificates; null trusts the system roots.</summary>
    public string? SslTrustStoreLocation { get; set; }

    /// <summary>ssl.trustStore.password.</summary>
    public string? SslTrustStorePassword { get; set; }

    /// <summary>ssl.trustStore.type: PKCS12 or PEM; null guesses from the file extension.</summary>
    public string? SslTrustStoreType { get; set; }

    /// <summary>ssl.clientAuth: none, want or need (ZooKeeper's default).</summary>
    public ClientAuthMode SslClientAuth { get; set; } = ClientAuthMode.Need;

    /// <summary>
    /// X509AuthenticationProvider.superUser: a client-certificate subject (RFC 2253, e.g. "CN=admin,O=Example")
    /// that also gets the super identity. The x509 provider itself is enabled whenever secureClientPort is set.
    /// </summary>
    public string? X509SuperUser { get; set; }

    /// <summary>
    /// A configuration value as it may appear in a log: the value of any key naming a password
    /// (ssl.keyStore.password, ssl.quorum.trustStore.password, ...) is replaced by "********".
    /// </summary>
    public static string LoggableValue(string key, string value) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase) && value.Length > 0 ? "********" : value;

    private void ValidateSecurity()
    {
        if (SecureClientPort is null) return;
        if (SecureClientPort is < 0 or > 65535) throw Bad("secureClientPort", SecureClientPort, "must be between 0 and 65535");
        if (SecureClientPort != 0 && SecureClientPort == ClientPort && (SecureClientPortAddress ?? ClientPortAddress) == ClientPortAddress)
            throw Bad("secureClientPort", SecureClientPort, "must differ from clientPort");
        if (SecureClientPortAddress is not null && !System.Net.IPAddress.TryParse(SecureClientPortAddress, out _) && SecureClientPortAddress != "localhost")
            throw Bad("secureClientPortAddress", SecureClientPortAddress, "is not an IP address");
        if (string.IsNullOrEmpty(SslKeyStoreLocation))
            throw Bad("secureClientPort", SecureClientPort, "needs ssl.keyStore.location (the server certificate and key)");
    }
}

/// <summary>The zoo.cfg keys of <see cref="CorralServerOptions"/>' security settings, with or without ZooKeeper's "zookeeper." prefix.</summary>
internal static class SecurityConfigKeys
{
    public static bool TryApply(CorralServerOptions o, string key, string value)
    {
        string k = key.StartsWith("zookeeper.ssl.", StringComparison.Ordinal) || key.StartsWith("zookeeper.X509", StringComparison.Ordinal)
            ? key["zookeeper.".Length..] : key;
        switch (k)
        {
            case "secureClientPort": o.SecureClientPort = Port(key, value); return true;
            case "secureClientPortAddress": o.SecureClientPortAddress = NonEmpty(key, value); return true;
            case "ssl.keyStore.location": o.SslKeyStoreLocation = NonEmpty(key, value); return true;
            case "ssl.keyStore.password": o.SslKeyStorePassword = value; return true;
            case "ssl.keyStore.type": o.SslKeyStoreType = StoreType(key, value); return true;
            case "ssl.trustStore.location": o.SslTrustStoreLocation = NonEmpty(key, value); return true;
            case "ssl.trustStore.password": o.SslTrustStorePassword = value; return true;
            case "ssl.trustStore.type": o.SslTrustStoreType = StoreType(key, value); return true;
            case "ssl.clientAuth": o.SslClientAuth = ClientAuth(key, value); return true;
            case "X509AuthenticationProvider.superUser": o.X509SuperUser = NonEmpty(key, value); return true;
            default: return false;
        }
    }

    private static int Port(string key, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n <= 65535
            ? n
            : throw new ConfigurationException($"{key}={value}: not a port number (0..65535)");

    private static string NonEmpty(string key, string value) =>
        value.Length > 0 ? value : throw new ConfigurationException($"{key}=: value must not be empty");

    private static string StoreType(string key, string value) => value.ToUpperInvariant() switch
    {
        "PEM" or "PKCS12" => value.ToUpperInvariant(),
        "JKS" or "BCFKS" => throw new ConfigurationException($"{key}={value}: Corral reads PKCS12 and PEM stores; convert with keytool -importkeystore -deststoretype PKCS12"),
        _ => throw new ConfigurationException($"{key}={value}: expected PKCS12 or PEM"),
    };

    // ZooKeeper's X509Util.ClientAuth.fromPropertyValue: case-insensitive, empty means need.
    private static ClientAuthMode ClientAuth(string key, string value) => value.ToLowerInvariant() switch
    {
        "" or "need" => ClientAuthMode.Need,
        "want" => ClientAuthMode.Want,
        "none" => ClientAuthMode.None,
        _ => throw new ConfigurationException($"{key}={value}: expected none, want or need"),
    };
}
