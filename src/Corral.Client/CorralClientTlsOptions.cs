using System.Security.Cryptography.X509Certificates;

namespace Corral.Client;

/// <summary>TLS settings for connecting to a secure client port (ZooKeeper's zookeeper.client.secure).</summary>
public sealed class CorralClientTlsOptions
{
    /// <summary>
    /// A certificate with its private key to present to the server (needed when the server's
    /// ssl.clientAuth is need; it then identifies the client as x509:&lt;subject&gt;). Null presents none.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Certificates trusted to sign the server's certificate; null trusts the operating system's roots.</summary>
    public X509Certificate2Collection? TrustedRoots { get; set; }

    /// <summary>
    /// Whether the server certificate must name the host connected to (DNS name or IP address in its
    /// subject alternative names), like the Java client's zookeeper.ssl.hostnameVerification (default true).
    /// </summary>
    public bool VerifyHostName { get; set; } = true;
}
