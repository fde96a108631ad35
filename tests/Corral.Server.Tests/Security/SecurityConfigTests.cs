using System.Security.Cryptography.X509Certificates;
using Corral.Server.Configuration;
using Corral.Server.Security;

namespace Corral.Server.Tests.Security;

public class SecurityConfigTests
{
    [Fact]
    public void Tls_keys_are_read_with_or_without_the_zookeeper_prefix()
    {
        var o = ZooCfgParser.Parse("""
            clientPort=2181
            secureClientPort=2281
            secureClientPortAddress=0.0.0.0
            ssl.keyStore.location=/etc/corral/server.pem
            ssl.keyStore.password=
            zookeeper.ssl.keyStore.type=pem
            ssl.trustStore.location=/etc/corral/ca.p12
            ssl.trustStore.password=secret
            ssl.trustStore.type=PKCS12
            ssl.clientAuth=WANT
            zookeeper.X509AuthenticationProvider.superUser=CN=admin,O=Example
            """);
        Assert.Equal(2281, o.SecureClientPort);
        Assert.Equal("0.0.0.0", o.SecureClientPortAddress);
        Assert.Equal("/etc/corral/server.pem", o.SslKeyStoreLocation);
        Assert.Equal("", o.SslKeyStorePassword);
        Assert.Equal("PEM", o.SslKeyStoreType);
        Assert.Equal("/etc/corral/ca.p12", o.SslTrustStoreLocation);
        Assert.Equal("secret", o.SslTrustStorePassword);
        Assert.Equal("PKCS12", o.SslTrustStoreType);
        Assert.Equal(ClientAuthMode.Want, o.SslClientAuth);
        Assert.Equal("CN=admin,O=Example", o.X509SuperUser);
        o.Validate();
        Assert.Equal(ClientAuthMode.Need, new CorralServerOptions().SslClientAuth); // ZooKeeper's default
    }

    [Theory]
    [InlineData("secureClientPort=70000", "zoo.cfg:1: secureClientPort=70000: not a port number (0..65535)")]
    [InlineData("ssl.clientAuth=sometimes", "zoo.cfg:1: ssl.clientAuth=sometimes: expected none, want or need")]
    [InlineData("ssl.keyStore.type=JKS", "zoo.cfg:1: ssl.keyStore.type=JKS: Corral reads PKCS12 and PEM stores; convert with keytool -importkeystore -deststoretype PKCS12")]
    public void Bad_tls_values_name_the_key_and_value(string line, string message) =>
        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => ZooCfgParser.Parse(line)).Message);

    [Theory]
    [InlineData("ssl.quorum.keyStore.password", "hunter2", "********")]
    [InlineData("zookeeper.ssl.trustStore.Password", "x", "********")]
    [InlineData("ssl.quorum.keyStore.password", "", "")]
    [InlineData("ssl.quorum.keyStore.location", "/etc/q.p12", "/etc/q.p12")]
    public void Passwords_never_reach_the_log(string key, string value, string logged) =>
        Assert.Equal(logged, CorralServerOptions.LoggableValue(key, value));

    [Fact]
    public void A_secure_port_needs_a_key_store_and_its_own_port()
    {
        var o = new CorralServerOptions { SecureClientPort = 2281 };
        Assert.Equal("secureClientPort=2281: needs ssl.keyStore.location (the server certificate and key)",
            Assert.Throws<ConfigurationException>(o.Validate).Message);
        o = new CorralServerOptions { SecureClientPort = 2181, SslKeyStoreLocation = "x.pem" };
        Assert.Equal("secureClientPort=2181: must differ from clientPort", Assert.Throws<ConfigurationException>(o.Validate).Message);
    }

    [Fact]
    public void An_unreadable_key_store_is_a_configuration_error_naming_the_file()
    {
        var o = new CorralServerOptions { SecureClientPort = 0, SslKeyStoreLocation = "/nonexistent/server.p12" };
        var e = Assert.Throws<ConfigurationException>(() => TlsSettings.Load(o));
        Assert.StartsWith("ssl.keyStore.location=/nonexistent/server.p12: cannot load the certificate and key", e.Message);
    }

    /// <summary>Expected names printed by Java 17's X500Principal.getName() for the same attributes.</summary>
    [Theory]
    [InlineData("CN=client,O=Corral", "client", "Corral")]
    [InlineData("CN=a\\, b,O=Corral", "a, b", "Corral")]
    [InlineData("CN=\\#hash,O=x", "#hash", "x")]
    [InlineData("CN=q\\\"uote\\+plus\\=eq,O=semi\\;\\<\\>", "q\"uote+plus=eq", "semi;<>")]
    public void Subjects_are_named_like_javas_x500_principal(string rfc2253, string commonName, string organization)
    {
        // The builder lists RDNs most specific first, as RFC 2253 prints them.
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        builder.AddOrganizationName(organization);
        Assert.Equal(rfc2253, X509SubjectName.Rfc2253(builder.Build()));
    }

    [Fact]
    public void Keywords_follow_rfc2253_and_reversed_encoding_order() =>
        Assert.Equal("CN=x,C=DE,L=Berlin,ST=BE,O=Corral,OU=dev",
            X509SubjectName.Rfc2253(new X500DistinguishedName("CN=x, C=DE, L=Berlin, S=BE, O=Corral, OU=dev")));

    [Fact]
    public void Attributes_without_an_rfc2253_keyword_are_an_oid_with_the_der_value_in_hex()
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName("x");
        builder.AddEmailAddress("a@b.c");
        // Java: CN=x,1.2.840.113549.1.9.1=#16056140622e63 (IA5String, length 5).
        Assert.Equal("CN=x,1.2.840.113549.1.9.1=#16056140622e63", X509SubjectName.Rfc2253(builder.Build()));
    }
}
