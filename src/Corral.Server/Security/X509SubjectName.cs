using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Corral.Server.Security;

/// <summary>
/// A certificate subject as ZooKeeper's X509AuthenticationProvider names it: Java's
/// X500Principal.getName() (RFC 2253): the most specific RDN first, "," between RDNs and "+" inside
/// one, the keywords CN C L ST O OU STREET DC UID, and any other attribute as its OID with the DER
/// value in hex ("1.2.840.113549.1.9.1=#16...").
/// </summary>
public static class X509SubjectName
{
    private static readonly Dictionary<string, string> Keywords = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.6"] = "C",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.9"] = "STREET",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["0.9.2342.19200300.100.1.1"] = "UID",
    };

    public static string Rfc2253(X509Certificate2 certificate) => Rfc2253(certificate.SubjectName);

    public static string Rfc2253(X500DistinguishedName name)
    {
        var text = new StringBuilder();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            if (text.Length > 0) text.Append(',');
            AppendRdn(text, rdn.RawData);
        }
        return text.ToString();
    }

    // RelativeDistinguishedName ::= SET OF SEQUENCE { type OBJECT IDENTIFIER, value ANY }
    private static void AppendRdn(StringBuilder text, ReadOnlyMemory<byte> der)
    {
        var set = new AsnReader(der, AsnEncodingRules.DER).ReadSetOf();
        bool first = true;
        while (set.HasData)
        {
            if (!first) text.Append('+');
            first = false;
            var ava = set.ReadSequence();
            string oid = ava.ReadObjectIdentifier();
            if (Keywords.TryGetValue(oid, out var keyword) && TryReadString(ava, out var value))
            {
                text.Append(keyword).Append('=');
                AppendEscaped(text, value);
            }
            else
            {
                text.Append(oid).Append("=#").Append(Convert.ToHexStringLower(ava.ReadEncodedValue().Span));
            }
        }
    }

    private static bool TryReadString(AsnReader reader, out string value)
    {
        var tag = reader.PeekTag();
        if (tag.TagClass == TagClass.Universal && (UniversalTagNumber)tag.TagValue is
                UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
                or UniversalTagNumber.T61String or UniversalTagNumber.BMPString or UniversalTagNumber.UniversalString)
        {
            value = reader.ReadCharacterString((UniversalTagNumber)tag.TagValue);
            return true;
        }
        value = "";
        return false;
    }

    // RFC 2253 section 2.4 (, + " \ < > ; always; # at the start; a space at either end), plus '=' as Java does.
    private static void AppendEscaped(StringBuilder text, string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool escape = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                          || (i == 0 && c is '#' or ' ')
                          || (i == value.Length - 1 && c == ' ');
            if (escape) text.Append('\\');
            text.Append(c);
        }
    }
}
