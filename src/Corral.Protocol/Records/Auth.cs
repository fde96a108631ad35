namespace Corral.Protocol;

/// <summary>addAuth (opcode 100, xid -4). Type is always 0; Auth holds e.g. "user:password" for digest.</summary>
public sealed record AuthPacket(int Type, string? Scheme, byte[]? Auth) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteInt(Type);
        w.WriteString(Scheme);
        w.WriteBuffer(Auth);
    }

    public static AuthPacket Read(ref JuteReader r)
    {
        int type = r.ReadInt();
        string? scheme = r.ReadString();
        return new AuthPacket(type, scheme, r.ReadBuffer());
    }

    public bool Equals(AuthPacket? other) =>
        other is not null && Type == other.Type && Scheme == other.Scheme && ValueEquality.Bytes(Auth, other.Auth);

    public override int GetHashCode() => HashCode.Combine(Type, Scheme, ValueEquality.Hash(Auth));
}

/// <summary>One identity reported by whoAmI: the auth scheme and the provider's user name.</summary>
public sealed record ClientInfo(string? AuthScheme, string? User) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(AuthScheme);
        w.WriteString(User);
    }

    public static ClientInfo Read(ref JuteReader r)
    {
        string? scheme = r.ReadString();
        return new ClientInfo(scheme, r.ReadString());
    }
}

/// <summary>Reply to whoAmI (opcode 107, which has no request body).</summary>
public sealed record WhoAmIResponse(IReadOnlyList<ClientInfo>? ClientInfo) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        if (ClientInfo is null) { w.WriteInt(-1); return; }
        w.WriteInt(ClientInfo.Count);
        foreach (var info in ClientInfo) info.Write(ref w);
    }

    public static WhoAmIResponse Read(ref JuteReader r)
    {
        // Each ClientInfo is at least two string lengths (8 bytes).
        int n = r.ReadVectorCount(minElementSize: 8);
        if (n < 0) return new WhoAmIResponse((IReadOnlyList<ClientInfo>?)null);
        var list = new List<ClientInfo>(n);
        for (int i = 0; i < n; i++) list.Add(Corral.Protocol.ClientInfo.Read(ref r));
        return new WhoAmIResponse(list);
    }

    public bool Equals(WhoAmIResponse? other) => other is not null && ValueEquality.List(ClientInfo, other.ClientInfo);

    public override int GetHashCode() => ValueEquality.Hash(ClientInfo);
}

/// <summary>A SASL token from the client (opcode 102).</summary>
public sealed record GetSASLRequest(byte[]? Token) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteBuffer(Token);

    public static GetSASLRequest Read(ref JuteReader r) => new(r.ReadBuffer());

    public bool Equals(GetSASLRequest? other) => other is not null && ValueEquality.Bytes(Token, other.Token);

    public override int GetHashCode() => ValueEquality.Hash(Token);
}

/// <summary>A SASL token record declared by zookeeper.jute (same layout as GetSASLRequest).</summary>
public sealed record SetSASLRequest(byte[]? Token) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteBuffer(Token);

    public static SetSASLRequest Read(ref JuteReader r) => new(r.ReadBuffer());

    public bool Equals(SetSASLRequest? other) => other is not null && ValueEquality.Bytes(Token, other.Token);

    public override int GetHashCode() => ValueEquality.Hash(Token);
}

/// <summary>The server's SASL challenge, the reply to opcode 102.</summary>
public sealed record SetSASLResponse(byte[]? Token) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteBuffer(Token);

    public static SetSASLResponse Read(ref JuteReader r) => new(r.ReadBuffer());

    public bool Equals(SetSASLResponse? other) => other is not null && ValueEquality.Bytes(Token, other.Token);

    public override int GetHashCode() => ValueEquality.Hash(Token);
}
