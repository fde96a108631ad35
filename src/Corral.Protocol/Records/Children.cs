namespace Corral.Protocol;

/// <summary>getChildren (8); also an operation of multiRead (where Watch is ignored).</summary>
public sealed record GetChildrenRequest(string? Path, bool Watch) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }

    public static GetChildrenRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new GetChildrenRequest(path, r.ReadBool());
    }
}

/// <summary>Child names relative to the parent, in no particular order.</summary>
public sealed record GetChildrenResponse(IReadOnlyList<string>? Children) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteStringVector(Children);

    public static GetChildrenResponse Read(ref JuteReader r) => new(r.ReadStringVector());

    public bool Equals(GetChildrenResponse? other) => other is not null && ValueEquality.List(Children, other.Children);

    public override int GetHashCode() => ValueEquality.Hash(Children);
}

/// <summary>getChildren2 (12): getChildren that also returns the parent's Stat.</summary>
public sealed record GetChildren2Request(string? Path, bool Watch) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }

    public static GetChildren2Request Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new GetChildren2Request(path, r.ReadBool());
    }
}

public sealed record GetChildren2Response(IReadOnlyList<string>? Children, Stat Stat) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteStringVector(Children);
        Stat.Write(ref w);
    }

    public static GetChildren2Response Read(ref JuteReader r)
    {
        var children = r.ReadStringVector();
        return new GetChildren2Response(children, Stat.Read(ref r));
    }

    public bool Equals(GetChildren2Response? other) =>
        other is not null && ValueEquality.List(Children, other.Children) && Stat == other.Stat;

    public override int GetHashCode() => HashCode.Combine(ValueEquality.Hash(Children), Stat);
}

/// <summary>getAllChildrenNumber (104): counts every descendant of Path.</summary>
public sealed record GetAllChildrenNumberRequest(string? Path) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteString(Path);

    public static GetAllChildrenNumberRequest Read(ref JuteReader r) => new(r.ReadString());
}

public sealed record GetAllChildrenNumberResponse(int TotalNumber) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteInt(TotalNumber);

    public static GetAllChildrenNumberResponse Read(ref JuteReader r) => new(r.ReadInt());
}

/// <summary>getEphemerals (103): the caller's own ephemeral nodes whose path starts with PrefixPath.</summary>
public sealed record GetEphemeralsRequest(string? PrefixPath) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteString(PrefixPath);

    public static GetEphemeralsRequest Read(ref JuteReader r) => new(r.ReadString());
}

public sealed record GetEphemeralsResponse(IReadOnlyList<string>? Ephemerals) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteStringVector(Ephemerals);

    public static GetEphemeralsResponse Read(ref JuteReader r) => new(r.ReadStringVector());

    public bool Equals(GetEphemeralsResponse? other) => other is not null && ValueEquality.List(Ephemerals, other.Ephemerals);

    public override int GetHashCode() => ValueEquality.Hash(Ephemerals);
}
