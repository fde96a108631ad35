using Corral.Core.Acls;

namespace Corral.Core.Tests.Acls;

/// <summary>Expected answers come from Java 17's new X500Principal(name) (valid unless it throws).</summary>
public class X500NameSyntaxTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("CN=a\\, b,O=x", true)]
    [InlineData("CN=a+OU=b", true)]
    [InlineData("cn=x;o=y", true)]
    [InlineData("CN=\"quoted, value\"", true)]
    [InlineData("2.5.4.3=x", true)]
    [InlineData("OID.2.5.4.3=x", true)]
    [InlineData("CN=#0403616263", true)]
    [InlineData("CN=a=b", true)]
    [InlineData("CN=x, O=y", true)]
    [InlineData(" CN = x ", true)]
    [InlineData("CN=", true)]
    [InlineData("SERIALNUMBER=1", true)]
    [InlineData("emailaddress=a@b", true)]
    [InlineData("T=x", true)]
    [InlineData("CN=a\\41", true)]
    [InlineData("CN=q\\\"uote\\+plus\\=eq,O=semi\\;\\<\\>", true)]
    [InlineData("CN", false)]
    [InlineData("=x", false)]
    [InlineData("CN=x,", false)]
    [InlineData("CN=x+", false)]
    [InlineData("foo bar=x", false)]
    [InlineData("FOO=x", false)]
    [InlineData("E=a@b", false)]
    [InlineData("CN=x\\", false)]
    [InlineData("CN=a\\zz", false)]
    [InlineData("1.2.x=y", false)]
    [InlineData("CN=#zz", false)]
    [InlineData("CN=#04", false)]
    [InlineData("CN=\"unterminated", false)]
    public void Accepts_what_javas_x500_principal_accepts(string name, bool valid) => Assert.Equal(valid, X500NameSyntax.IsValid(name));
}
