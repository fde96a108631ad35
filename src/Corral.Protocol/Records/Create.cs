namespace Corral.Protocol;

/// <summary>
/// create (1), create2 (15) and createContainer (19). Flags stays a raw int so that an invalid
/// CreateMode reaches the server, which must answer BADARGUMENTS rather than fail to decode.
/// </summary>
public sealed record CreateRequest(string? Path, byte[]? Data, IReadOnlyList<Acl>? Acl, int Flags) : IJuteRecord
{
    public CreateRequest(string? path, byte[]? data, IReadOnlyList<Acl>? acl, CreateMode mode)
        : this(path, data, acl, (int)mode) { }

    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data);
        Corral.Protocol.Acl.WriteList(ref w, Acl);
        w.WriteInt(Flags);
    }

    public static CreateRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        byte[]? data = r.ReadBuffer();
        var acl = Corral.Protocol.Acl.ReadList(ref r);
        return new CreateRequest(path, data, acl, r.ReadInt());
    }

    public bool Equals(CreateRequest? other) =>
        other is not null && Path == other.Path && ValueEquality.Bytes(Data, other.Data) &&
        ValueEquality.List(Acl, other.Acl) && Flags == other.Flags;

    public override int GetHashCode() => HashCode.Combine(Path, ValueEquality.Hash(Data), ValueEquality.Hash(Acl), Flags);
}

/// <summary>createTTL (21): CreateRequest plus a TTL in milliseconds.</summary>
public sealed record CreateTTLRequest(string? Path, byte[]? Data, IReadOnlyList<Acl>? Acl, int Flags, long Ttl) : IJuteRecord
{
    public CreateTTLRequest(string? path, byte[]? data, IReadOnlyList<Acl>? acl, CreateMode mode, long ttl)
        : this(path, data, acl, (int)mode, ttl) { }

    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data);
        Corral.Protocol.Acl.WriteList(ref w, Acl);
        w.WriteInt(Flags);
        w.WriteLong(Ttl);
    }

    public static CreateTTLRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        byte[]? data = r.ReadBuffer();
        var acl = Corral.Protocol.Acl.ReadList(ref r);
        int flags = r.ReadInt();
        return new CreateTTLRequest(path, data, acl, flags, r.ReadLong());
    }

    public bool Equals(CreateTTLRequest? other) =>
        other is not null && Path == other.Path && ValueEquality.Bytes(Data, other.Data) &&
        ValueEquality.List(Acl, other.Acl) && Flags == other.Flags && Ttl == other.Ttl;

    public override int GetHashCode() => HashCode.Combine(Path, ValueEquality.Hash(Data), ValueEquality.Hash(Acl), Flags, Ttl);
}

/// <summary>Reply to create (1): the actual path, including any sequence suffix.</summary>
public sealed record CreateResponse(string? Path) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteString(Path);

    public static CreateResponse Read(ref JuteReader r) => new(r.ReadString());
}

/// <summary>Reply to create2 (15), createContainer (19) and createTTL (21).</summary>
public sealed record Create2Response(string? Path, Stat Stat) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        Stat.Write(ref w);
    }

    public static Create2Response Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new Create2Response(path, Stat.Read(ref r));
    }
}
