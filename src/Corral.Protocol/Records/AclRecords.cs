namespace Corral.Protocol;

/// <summary>getACL (6).</summary>
public sealed record GetACLRequest(string? Path) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteString(Path);

    public static GetACLRequest Read(ref JuteReader r) => new(r.ReadString());
}

public sealed record GetACLResponse(IReadOnlyList<Acl>? Acl, Stat Stat) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        Corral.Protocol.Acl.WriteList(ref w, Acl);
        Stat.Write(ref w);
    }

    public static GetACLResponse Read(ref JuteReader r)
    {
        var acl = Corral.Protocol.Acl.ReadList(ref r);
        return new GetACLResponse(acl, Stat.Read(ref r));
    }

    public bool Equals(GetACLResponse? other) =>
        other is not null && ValueEquality.List(Acl, other.Acl) && Stat == other.Stat;

    public override int GetHashCode() => HashCode.Combine(ValueEquality.Hash(Acl), Stat);
}

/// <summary>setACL (7). Version is compared with the node's aversion; -1 matches any.</summary>
public sealed record SetACLRequest(string? Path, IReadOnlyList<Acl>? Acl, int Version) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        Corral.Protocol.Acl.WriteList(ref w, Acl);
        w.WriteInt(Version);
    }

    public static SetACLRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        var acl = Corral.Protocol.Acl.ReadList(ref r);
        return new SetACLRequest(path, acl, r.ReadInt());
    }

    public bool Equals(SetACLRequest? other) =>
        other is not null && Path == other.Path && ValueEquality.List(Acl, other.Acl) && Version == other.Version;

    public override int GetHashCode() => HashCode.Combine(Path, ValueEquality.Hash(Acl), Version);
}

public sealed record SetACLResponse(Stat Stat) : IJuteRecord
{
    public void Write(ref JuteWriter w) => Stat.Write(ref w);

    public static SetACLResponse Read(ref JuteReader r) => new(Stat.Read(ref r));
}
