namespace Corral.Protocol;

/// <summary>An identity: scheme plus id, e.g. ("digest", "bob:fyVm...=") or ("world", "anyone").</summary>
public sealed record Id(string Scheme, string IdValue) : IJuteRecord
{
    public static readonly Id Anyone = new("world", "anyone");
    public static readonly Id AuthIds = new("auth", "");

    public void Write(ref JuteWriter w)
    {
        w.WriteString(Scheme);
        w.WriteString(IdValue);
    }

    /// <summary>Reads an Id; a null string on the wire (kazoo sends "" as null) is read as "".</summary>
    public static Id Read(ref JuteReader r) => new(r.ReadString() ?? "", r.ReadString() ?? "");

    public override string ToString() => $"{Scheme}:{IdValue}";
}

/// <summary>One ACL entry: permission bits granted to an identity.</summary>
public sealed record Acl(Perms Perms, Id Id) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteInt((int)Perms);
        Id.Write(ref w);
    }

    public static Acl Read(ref JuteReader r)
    {
        var perms = (Perms)r.ReadInt();
        return new Acl(perms, Id.Read(ref r));
    }

    public static readonly IReadOnlyList<Acl> OpenAclUnsafe = [new(Perms.All, Id.Anyone)];
    public static readonly IReadOnlyList<Acl> ReadAclUnsafe = [new(Perms.Read, Id.Anyone)];
    public static readonly IReadOnlyList<Acl> CreatorAllAcl = [new(Perms.All, Id.AuthIds)];

    public static void WriteList(ref JuteWriter w, IReadOnlyList<Acl>? acls)
    {
        if (acls is null) { w.WriteInt(-1); return; }
        w.WriteInt(acls.Count);
        foreach (var a in acls) a.Write(ref w);
    }

    /// <summary>Reads a vector&lt;ACL&gt;; returns null for a null vector (count -1).</summary>
    public static List<Acl>? ReadList(ref JuteReader r)
    {
        int n = r.ReadVectorCount(minElementSize: 12);
        if (n < 0) return null;
        var list = new List<Acl>(n);
        for (int i = 0; i < n; i++) list.Add(Read(ref r));
        return list;
    }

    public override string ToString() => $"{Id}:{(int)Perms}";
}
