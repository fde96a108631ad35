using System.Formats.Asn1;

namespace Corral.Core.Acls;

/// <summary>
/// Whether an x509 ACL id is a distinguished name Java's javax.security.auth.x500.X500Principal
/// accepts (X509AuthenticationProvider.isValid): RDNs separated by ',' or ';', AVAs by '+', each
/// "keyword=value" with a keyword Java knows or an OID ("2.5.4.3", "OID.2.5.4.3"), and a value that is
/// plain text with RFC 2253 escapes, a quoted string, or '#' and the hex of one DER value. The empty
/// name is valid. Our own RFC 2253 subjects (whoAmI output) always pass.
/// </summary>
public static class X500NameSyntax
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "CN", "C", "L", "S", "ST", "O", "OU", "T", "IP", "STREET", "DC", "DNQUALIFIER", "DNQ", "SURNAME",
        "GIVENNAME", "INITIALS", "GENERATION", "EMAILADDRESS", "UID", "SERIALNUMBER",
    };

    private const string Specials = ",=+<>#;\\\" ";

    public static bool IsValid(string name)
    {
        if (name.Trim().Length == 0) return true;
        int i = 0;
        while (true)
        {
            if (!ReadAva(name, ref i)) return false;
            if (i == name.Length) return true;
            i++; // past ',' ';' or '+'; something must follow
            if (i == name.Length) return false;
        }
    }

    private static bool ReadAva(string s, ref int i)
    {
        int eq = s.IndexOf('=', i);
        if (eq < 0) return false;
        string keyword = s[i..eq].Trim();
        if (!IsKeyword(keyword)) return false;
        i = eq + 1;
        while (i < s.Length && s[i] == ' ') i++;
        if (i < s.Length && s[i] == '#') return ReadHex(s, ref i);
        if (i < s.Length && s[i] == '"') return ReadQuoted(s, ref i);
        return ReadPlain(s, ref i);
    }

    private static bool IsKeyword(string k)
    {
        if (k.StartsWith("OID.", StringComparison.OrdinalIgnoreCase)) k = k[4..];
        if (k.Length > 0 && char.IsAsciiDigit(k[0]))
        {
            var arcs = k.Split('.');
            return arcs.Length >= 2 && arcs.All(a => a.Length > 0 && a.All(char.IsAsciiDigit));
        }
        return Keywords.Contains(k);
    }

    private static bool ReadPlain(string s, ref int i)
    {
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c is ',' or ';' or '+') return true;
            if (c == '\\')
            {
                if (i + 1 >= s.Length) return false;
                if (Specials.Contains(s[i + 1])) { i++; continue; }
                if (i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 1]) && char.IsAsciiHexDigit(s[i + 2])) { i += 2; continue; }
                return false;
            }
        }
        return true;
    }

    private static bool ReadQuoted(string s, ref int i)
    {
        for (i++; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == '"')
            {
                for (i++; i < s.Length && s[i] == ' '; i++) { }
                return i == s.Length || s[i] is ',' or ';' or '+';
            }
        }
        return false;
    }

    // '#' then the hex of exactly one DER-encoded value.
    private static bool ReadHex(string s, ref int i)
    {
        int start = ++i;
        while (i < s.Length && char.IsAsciiHexDigit(s[i])) i++;
        string hex = s[start..i];
        while (i < s.Length && s[i] == ' ') i++;
        if (i < s.Length && s[i] is not (',' or ';' or '+')) return false;
        if (hex.Length == 0 || hex.Length % 2 != 0) return false;
        try
        {
            var reader = new AsnReader(Convert.FromHexString(hex), AsnEncodingRules.BER);
            reader.ReadEncodedValue();
            return !reader.HasData;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
