using Corral.Protocol;

namespace Corral.Core.Acls;

/// <summary>ZooKeeperServer.checkACL and fixupACL.</summary>
public static class AclChecker
{
    /// <summary>
    /// Whether identities <paramref name="ids"/> hold any of the <paramref name="wanted"/> bits under
    /// <paramref name="acl"/>: an empty ACL allows all, super allows all, world:anyone allows, otherwise
    /// an identity of the entry's scheme must match its id.
    /// </summary>
    public static bool Allows(IReadOnlyList<Acl> acl, Perms wanted, IReadOnlyList<Id> ids)
    {
        if (acl.Count == 0) return true;
        foreach (var id in ids)
            if (id.Scheme == AuthProviders.Super) return true;
        foreach (var entry in acl)
        {
            if ((entry.Perms & wanted) == 0) continue;
            if (entry.Id.Scheme == AuthProviders.World && entry.Id.IdValue == "anyone") return true;
            foreach (var id in ids)
                if (id.Scheme == entry.Id.Scheme && AuthProviders.Matches(id.Scheme, id.IdValue, entry.Id.IdValue)) return true;
        }
        return false;
    }

    /// <summary>
    /// Validates and normalises an ACL for create/setACL: removes duplicates, requires world:anyone for
    /// world, expands auth into the caller's authenticated identities, and checks digest/ip ids.
    /// Returns INVALIDACL on any violation.
    /// </summary>
    /// <param name="x509Enabled">Whether the x509 provider is registered (otherwise x509 ids are invalid).</param>
    public static ErrorCode Fixup(IReadOnlyList<Acl>? acl, IReadOnlyList<Id> ids, out List<Acl> result, bool x509Enabled = false)
    {
        result = [];
        if (acl is null || acl.Count == 0) return ErrorCode.InvalidAcl;
        foreach (var a in acl.Distinct())
        {
            if (a.Id.Scheme == AuthProviders.World && a.Id.IdValue == "anyone")
            {
                result.Add(a);
            }
            else if (a.Id.Scheme == AuthProviders.Auth)
            {
                bool any = false;
                foreach (var id in ids)
                {
                    if (!AuthProviders.IsAuthenticatedScheme(id.Scheme)) continue;
                    any = true;
                    result.Add(new Acl(a.Perms, id));
                }
                if (!any) return ErrorCode.InvalidAcl;
            }
            else if (AuthProviders.IsValidId(a.Id.Scheme, a.Id.IdValue, x509Enabled))
            {
                result.Add(a);
            }
            else
            {
                return ErrorCode.InvalidAcl;
            }
        }
        return ErrorCode.Ok;
    }

    /// <summary>
    /// getACL without ADMIN (CVE-2019-0201): digest ids are shown as "user:x", so the password hash
    /// cannot be brute-forced offline. Same rewrite as Java's id.replaceAll(":.*", ":x").
    /// </summary>
    public static IReadOnlyList<Acl> MaskDigests(IReadOnlyList<Acl> acl) =>
        acl.Select(a => a.Id.Scheme == AuthProviders.Digest
            ? a with { Id = new Id(a.Id.Scheme, JavaColonTail.Replace(a.Id.IdValue, ":x")) }
            : a).ToList();

    // Java's '.' stops at any line terminator, not just '\n' as .NET's does.
    private static readonly System.Text.RegularExpressions.Regex JavaColonTail =
        new(":[^\n\r\u0085\u2028\u2029]*", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
