using Corral.Core.Acls;
using Corral.Protocol;

namespace Corral.Core.Tests.Acls;

/// <summary>
/// Expected orders were printed by Java 17 with ZooKeeper 3.8's Id class: ids added in the given
/// order to Collections.newSetFromMap(new ConcurrentHashMap&lt;Id, Boolean&gt;()) (ServerCnxn.authInfo),
/// then iterated.
/// </summary>
public class JavaIdSetOrderTests
{
    private static Id Parse(string text)
    {
        int colon = text.IndexOf(':');
        return new Id(text[..colon], text[(colon + 1)..]);
    }

    [Theory]
    [InlineData("ip:10.0.0.7|digest:bob:fyVmFCwVbTJYrznoSu1koqYEYF0=",
                "digest:bob:fyVmFCwVbTJYrznoSu1koqYEYF0=|ip:10.0.0.7")]
    [InlineData("ip:10.1.2.3|digest:bob:fyVmFCwVbTJYrznoSu1koqYEYF0=|x509:CN=caller,O=Corral",
                "digest:bob:fyVmFCwVbTJYrznoSu1koqYEYF0=|x509:CN=caller,O=Corral|ip:10.1.2.3")]
    [InlineData("ip:127.0.0.1|super:|digest:super:D/InIHSb7yEEbrWz8b9l71RjZJU=",
                "super:|ip:127.0.0.1|digest:super:D/InIHSb7yEEbrWz8b9l71RjZJU=")]
    [InlineData("ip:127.0.0.1|x509:CN=client,O=Corral|digest:alice:abc=",
                "digest:alice:abc=|x509:CN=client,O=Corral|ip:127.0.0.1")]
    [InlineData("ip:127.0.0.1|super:CN=admin,O=Corral|x509:CN=admin,O=Corral",
                "x509:CN=admin,O=Corral|super:CN=admin,O=Corral|ip:127.0.0.1")]
    [InlineData("ip:0:0:0:0:0:0:0:1|digest:a:1|digest:b:2|digest:c:3|digest:d:4",
                "digest:a:1|digest:b:2|digest:c:3|ip:0:0:0:0:0:0:0:1|digest:d:4")]
    public void Iterates_like_javas_concurrent_hash_set(string added, string iterated)
    {
        var ids = added.Split('|').Select(Parse).ToList();
        Assert.Equal(iterated.Split('|').Select(Parse), JavaIdSetOrder.Order(ids));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 97)]
    [InlineData("digest", -1331913276)]
    [InlineData("polygenelubricants", int.MinValue)]
    public void String_hash_codes_match_java(string s, int hash) => Assert.Equal(hash, JavaIdSetOrder.StringHashCode(s));

    [Fact]
    public void Ipv6_identities_use_javas_host_address_text() =>
        Assert.Equal("0:0:0:0:0:0:0:1", AuthProviders.JavaHostAddress(System.Net.IPAddress.IPv6Loopback));
}
