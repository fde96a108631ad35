namespace Corral.Protocol;

/// <summary>exists (3). With Watch set the server registers a watch even when the node is missing.</summary>
public sealed record ExistsRequest(string? Path, bool Watch) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }

    public static ExistsRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new ExistsRequest(path, r.ReadBool());
    }
}

public sealed record ExistsResponse(Stat Stat) : IJuteRecord
{
    public void Write(ref JuteWriter w) => Stat.Write(ref w);

    public static ExistsResponse Read(ref JuteReader r) => new(Stat.Read(ref r));
}

/// <summary>getData (4); also an operation of multiRead (where Watch is ignored).</summary>
public sealed record GetDataRequest(string? Path, bool Watch) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBool(Watch);
    }

    public static GetDataRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new GetDataRequest(path, r.ReadBool());
    }
}

/// <summary>Reply to getData and reconfig. Data null (length -1) and empty are distinct.</summary>
public sealed record GetDataResponse(byte[]? Data, Stat Stat) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteBuffer(Data);
        Stat.Write(ref w);
    }

    public static GetDataResponse Read(ref JuteReader r)
    {
        byte[]? data = r.ReadBuffer();
        return new GetDataResponse(data, Stat.Read(ref r));
    }

    public bool Equals(GetDataResponse? other) =>
        other is not null && ValueEquality.Bytes(Data, other.Data) && Stat == other.Stat;

    public override int GetHashCode() => HashCode.Combine(ValueEquality.Hash(Data), Stat);
}

/// <summary>setData (5). Version -1 matches any version.</summary>
public sealed record SetDataRequest(string? Path, byte[]? Data, int Version) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data);
        w.WriteInt(Version);
    }

    public static SetDataRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        byte[]? data = r.ReadBuffer();
        return new SetDataRequest(path, data, r.ReadInt());
    }

    public bool Equals(SetDataRequest? other) =>
        other is not null && Path == other.Path && ValueEquality.Bytes(Data, other.Data) && Version == other.Version;

    public override int GetHashCode() => HashCode.Combine(Path, ValueEquality.Hash(Data), Version);
}

public sealed record SetDataResponse(Stat Stat) : IJuteRecord
{
    public void Write(ref JuteWriter w) => Stat.Write(ref w);

    public static SetDataResponse Read(ref JuteReader r) => new(Stat.Read(ref r));
}

/// <summary>check (13): only meaningful inside a multi. Version -1 matches any version.</summary>
public sealed record CheckVersionRequest(string? Path, int Version) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt(Version);
    }

    public static CheckVersionRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new CheckVersionRequest(path, r.ReadInt());
    }
}
