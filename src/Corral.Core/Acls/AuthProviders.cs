using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Corral.Core.Acls;

/// <summary>The authentication schemes ZooKeeper ships: digest and ip (plus the "super" identity).</summary>
public static class AuthProviders
{
    public const string Digest = "digest";
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

    /// <summary>Schemes whose identities count as "authenticated" for the auth ACL scheme (ip does not).</summary>
    public static bool IsAuthenticatedScheme(string scheme) => scheme == Digest;

    /// <summary>Whether an ACL id is well formed for its scheme; unknown schemes are invalid.</summary>
    public static bool IsValidId(string scheme, string id) => scheme switch
    {
        Digest => JavaSplitCount(id, ':') == 2,
        Ip => IsValidIpExpression(id),
        _ => false,
    };

    /// <summary>The user name whoAmI reports for an identity.</summary>
    public static string UserName(string scheme, string id) => scheme == Digest && id.IndexOf(':') is var i and >= 0 ? id[..i] : id;

    /// <summary>Whether a connection identity matches an ACL entry's id of the same scheme.</summary>
    public static bool Matches(string scheme, string identity, string aclId) => scheme switch
    {
        Digest => identity == aclId,
        Ip => IpMatches(identity, aclId),
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
            return int.TryParse(parts[1], out int bits) && bits >= 0 && bits <= addr.Length * 8;
        return true;
    }

    private static bool IpMatches(string remote, string aclExpr)
    {
        var parts = aclExpr.Split('/', 2);
        var aclAddr = AddressBytes(parts[0]);
        if (aclAddr is null) return false;
        int bits = aclAddr.Length * 8;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out bits) || bits < 0 || bits > aclAddr.Length * 8)) return false;
        var remoteAddr = AddressBytes(remote);
        if (remoteAddr is null || remoteAddr.Length != aclAddr.Length) return false;
        for (int i = 0; i < aclAddr.Length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if ((aclAddr[i] & mask) != (remoteAddr[i] & mask)) return false;
        }
        return true;
    }

    /// <summary>IPv4 only in strict dotted-quad form (unlike IPAddress.Parse, which accepts "1"), or any IPv6 text.</summary>
    private static byte[]? AddressBytes(string text)
    {
        if (text.Contains(':'))
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6.GetAddressBytes() : null;
        var octets = text.Split('.');
        if (octets.Length != 4) return null;
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            if (octets[i].Length is 0 or > 3 || !octets[i].All(char.IsAsciiDigit) || !int.TryParse(octets[i], out int v) || v > 255) return null;
            bytes[i] = (byte)v;
        }
        return bytes;
    }
}
