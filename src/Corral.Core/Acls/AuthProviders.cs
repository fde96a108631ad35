using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Corral.Core.Acls;

/// <summary>
/// The authentication schemes ZooKeeper ships: digest, ip and (on TLS, when enabled) x509, plus the
/// "super" identity that digest (superDigest) or x509 (X509SuperUser) may add. "world" and "auth" are
/// ACL-only schemes with no provider.
/// </summary>
public static class AuthProviders
{
    public const string Digest = "digest";
    public const string X509 = "x509";
    public const string Ip = "ip";
    public const string World = "world";
    public const string Auth = "auth";
    public const string Super = "super";

    /// <summary>digest's id for "user:password": user + ":" + Base64(SHA-1(UTF-8 of the whole text)).</summary>
    public static string DigestOf(string userPassword)
    {
        int colon = userPassword.IndexOf(':');
        string user = colon < 0 ? userPassword : userPassword[..colon];
        return user + ":" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(userPassword)));
    }

    /// <summary>
    /// Schemes whose identities count as "authenticated" for the auth ACL scheme: digest and x509
    /// (ip does not; super has no provider, so ZooKeeper skips it too).
    /// </summary>
    public static bool IsAuthenticatedScheme(string scheme) => scheme is Digest or X509;

    /// <summary>
    /// Whether an ACL id is well formed for its scheme; unknown schemes are invalid, and so is x509
    /// unless the provider is enabled (ZooKeeper only registers it when TLS client auth is configured).
    /// </summary>
    public static bool IsValidId(string scheme, string id, bool x509Enabled = false) => scheme switch
    {
        Digest => JavaSplitCount(id, ':') == 2,
        Ip => IsValidIpExpression(id),
        X509 => x509Enabled && X500NameSyntax.IsValid(id),
        _ => false,
    };

    /// <summary>
    /// The user name whoAmI reports for an identity: the part of a digest id before its colon, the
    /// id itself for ip and x509, and "" for super (ZooKeeper has no provider for it).
    /// </summary>
    public static string UserName(string scheme, string id) => scheme switch
    {
        Digest => id.IndexOf(':') is var i and >= 0 ? id[..i] : id,
        Super => "",
        _ => id,
    };

    /// <summary>Whether a connection identity matches an ACL entry's id of the same scheme.</summary>
    public static bool Matches(string scheme, string identity, string aclId) => scheme switch
    {
        Digest => identity == aclId,
        Ip => IpMatches(identity, aclId),
        X509 => identity == aclId,
        _ => false,
    };

    // Java's String.split drops trailing empty strings: "bob:" has 1 part, ":x" has 2.
    private static int JavaSplitCount(string s, char sep)
    {
        var parts = s.Split(sep);
        int n = parts.Length;
        while (n > 0 && parts[n - 1].Length == 0) n--;
        return n == 0 ? 1 : n;
    }

    private static bool IsValidIpExpression(string expr)
    {
        var parts = expr.Split('/', 2);
        var addr = AddressBytes(parts[0]);
        if (addr is null) return false;
        if (parts.Length == 2)
            return TryParseJavaInt(parts[1], out int bits) && bits >= 0 && bits <= addr.Length * 8;
        return true;
    }

    private static bool IpMatches(string remote, string aclExpr)
    {
        var parts = aclExpr.Split('/', 2);
        var aclAddr = AddressBytes(parts[0]);
        if (aclAddr is null) return false;
        int bits = aclAddr.Length * 8;
        if (parts.Length == 2 && (!TryParseJavaInt(parts[1], out bits) || bits < 0 || bits > aclAddr.Length * 8)) return false;
        var remoteAddr = AddressBytes(remote);
        if (remoteAddr is null || remoteAddr.Length != aclAddr.Length) return false;
        for (int i = 0; i < aclAddr.Length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((aclAddr[i] & mask) != (remoteAddr[i] & mask)) return false;
        }
        return true;
    }

    // Integer.parseInt: an optional sign, then digits; no surrounding spaces (int.TryParse allows them).
    private static bool TryParseJavaInt(string s, out int value) =>
        int.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// The text java.net.InetAddress.getHostAddress() gives, which is the value of a connection's ip
    /// identity: dotted quad for IPv4, eight lower-case hex groups without "::" compression for IPv6.
    /// </summary>
    public static string JavaHostAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var b = address.GetAddressBytes();
        var groups = new string[8];
        for (int i = 0; i < 8; i++) groups[i] = ((b[2 * i] << 8) | b[2 * i + 1]).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        string text = string.Join(':', groups);
        return address.ScopeId != 0 ? text + "%" + address.ScopeId.ToString(System.Globalization.CultureInfo.InvariantCulture) : text;
    }

    /// <summary>IPv4 only as four parts (unlike IPAddress.Parse, which accepts "1"), or any IPv6 text (3.9; 3.8 has no IPv6 ACLs).</summary>
    private static byte[]? AddressBytes(string text)
    {
        if (text.Contains(':'))
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6.GetAddressBytes() : null;
        var octets = text.Split('.');
        if (octets.Length != 4) return null;
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            // Java's v4addr2Bytes: Integer.parseInt per octet, so "+1" and "001" are accepted too.
            if (!TryParseJavaInt(octets[i], out int v) || v is < 0 or > 255) return null;
            bytes[i] = (byte)v;
        }
        return bytes;
    }
}
