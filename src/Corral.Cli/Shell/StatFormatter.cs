using System.Globalization;
using Corral.Protocol;

namespace Corral.Cli.Shell;

/// <summary>Formats Stat and ACLs exactly as zkCli prints them, since scripts parse this output.</summary>
public static class StatFormatter
{
    public static string Format(Stat s) => string.Join('\n',
        $"cZxid = 0x{s.Czxid:x}",
        $"ctime = {JavaDate(s.Ctime)}",
        $"mZxid = 0x{s.Mzxid:x}",
        $"mtime = {JavaDate(s.Mtime)}",
        $"pZxid = 0x{s.Pzxid:x}",
        $"cversion = {s.Cversion}",
        $"dataVersion = {s.Version}",
        $"aclVersion = {s.Aversion}",
        $"ephemeralOwner = 0x{s.EphemeralOwner:x}",
        $"dataLength = {s.DataLength}",
        $"numChildren = {s.NumChildren}");

    /// <summary>java.util.Date.toString(): "Thu Jan 01 00:00:00 UTC 1970", in UTC.</summary>
    public static string JavaDate(long epochMillis)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(epochMillis).UtcDateTime;
        return t.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>zkCli's permission letters, in its order: c d r w a.</summary>
    public static string PermString(Perms p)
    {
        var chars = new System.Text.StringBuilder();
        if (p.HasFlag(Perms.Create)) chars.Append('c');
        if (p.HasFlag(Perms.Delete)) chars.Append('d');
        if (p.HasFlag(Perms.Read)) chars.Append('r');
        if (p.HasFlag(Perms.Write)) chars.Append('w');
        if (p.HasFlag(Perms.Admin)) chars.Append('a');
        return chars.ToString();
    }

    /// <summary>getAcl's listing: "'world,'anyone" then ": cdrwa" per entry.</summary>
    public static string FormatAcl(IEnumerable<Acl> acl) =>
        string.Join('\n', acl.Select(a => $"'{a.Id.Scheme},'{a.Id.IdValue}\n: {PermString(a.Perms)}"));

    /// <summary>Parses zkCli's ACL syntax: "scheme:id:perms[,scheme:id:perms...]" (the id may contain colons).</summary>
    public static List<Acl> ParseAcl(string text)
    {
        var list = new List<Acl>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int first = part.IndexOf(':');
            int last = part.LastIndexOf(':');
            if (first < 0 || last == first)
                throw new FormatException($"{part} does not have the form scheme:id:perm");
            list.Add(new Acl(ParsePerms(part[(last + 1)..]), new Id(part[..first], part[(first + 1)..last])));
        }
        if (list.Count == 0) throw new FormatException("empty ACL");
        return list;
    }

    public static Perms ParsePerms(string letters)
    {
        Perms p = Perms.None;
        foreach (char c in letters)
        {
            p |= c switch
            {
                'c' => Perms.Create,
                'd' => Perms.Delete,
                'r' => Perms.Read,
                'w' => Perms.Write,
                'a' => Perms.Admin,
                _ => throw new FormatException($"Unknown perm type: {c}"),
            };
        }
        return p;
    }
}
