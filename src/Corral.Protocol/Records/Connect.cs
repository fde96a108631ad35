namespace Corral.Protocol;

/// <summary>
/// The first frame a client sends (no RequestHeader). The trailing readOnly byte is optional:
/// clients of 3.3 and older omit it, and a 3.9 server only echoes it in the response when the
/// request carried it, so <see cref="ReadOnlyPresent"/> records whether it was on the wire.
/// </summary>
public sealed record ConnectRequest(
    int ProtocolVersion,
    long LastZxidSeen,
    int TimeOut,
    long SessionId,
    byte[]? Passwd,
    bool ReadOnly = false,
    bool ReadOnlyPresent = true) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteInt(ProtocolVersion);
        w.WriteLong(LastZxidSeen);
        w.WriteInt(TimeOut);
        w.WriteLong(SessionId);
        w.WriteBuffer(Passwd);
        if (ReadOnlyPresent) w.WriteBool(ReadOnly);
    }

    public static ConnectRequest Read(ref JuteReader r)
    {
        int version = r.ReadInt();
        long lastZxid = r.ReadLong();
        int timeout = r.ReadInt();
        long sessionId = r.ReadLong();
        byte[]? passwd = r.ReadBuffer();
        bool present = !r.IsAtEnd;
        bool readOnly = present && r.ReadBool();
        return new ConnectRequest(version, lastZxid, timeout, sessionId, passwd, readOnly, present);
    }

    public bool Equals(ConnectRequest? other) =>
        other is not null && ProtocolVersion == other.ProtocolVersion && LastZxidSeen == other.LastZxidSeen &&
        TimeOut == other.TimeOut && SessionId == other.SessionId && ValueEquality.Bytes(Passwd, other.Passwd) &&
        ReadOnly == other.ReadOnly && ReadOnlyPresent == other.ReadOnlyPresent;

    public override int GetHashCode() =>
        HashCode.Combine(ProtocolVersion, LastZxidSeen, TimeOut, SessionId, ValueEquality.Hash(Passwd), ReadOnly, ReadOnlyPresent);
}

/// <summary>
/// The first frame a server sends (no ReplyHeader). TimeOut 0 tells the client its session is
/// invalid or expired. The readOnly byte is written only when <see cref="ReadOnlyPresent"/> is set
/// (a 3.9 server sets it when the client's request carried the byte).
/// </summary>
public sealed record ConnectResponse(
    int ProtocolVersion,
    int TimeOut,
    long SessionId,
    byte[]? Passwd,
    bool ReadOnly = false,
    bool ReadOnlyPresent = true) : IJuteRecord
{
    /// <summary>Passwords are always 16 bytes: the C client copies exactly 16 without checking.</summary>
    public const int PasswordLength = 16;

    /// <summary>The reply to a ConnectRequest for an unknown, expired or wrongly authenticated session.</summary>
    public static ConnectResponse Invalid(bool readOnlyPresent) =>
        new(0, 0, 0, new byte[PasswordLength], false, readOnlyPresent);

    public void Write(ref JuteWriter w)
    {
        w.WriteInt(ProtocolVersion);
        w.WriteInt(TimeOut);
        w.WriteLong(SessionId);
        w.WriteBuffer(Passwd);
        if (ReadOnlyPresent) w.WriteBool(ReadOnly);
    }

    public static ConnectResponse Read(ref JuteReader r)
    {
        int version = r.ReadInt();
        int timeout = r.ReadInt();
        long sessionId = r.ReadLong();
        byte[]? passwd = r.ReadBuffer();
        bool present = !r.IsAtEnd;
        bool readOnly = present && r.ReadBool();
        return new ConnectResponse(version, timeout, sessionId, passwd, readOnly, present);
    }

    public bool Equals(ConnectResponse? other) =>
        other is not null && ProtocolVersion == other.ProtocolVersion && TimeOut == other.TimeOut &&
        SessionId == other.SessionId && ValueEquality.Bytes(Passwd, other.Passwd) &&
        ReadOnly == other.ReadOnly && ReadOnlyPresent == other.ReadOnlyPresent;

    public override int GetHashCode() =>
        HashCode.Combine(ProtocolVersion, TimeOut, SessionId, ValueEquality.Hash(Passwd), ReadOnly, ReadOnlyPresent);
}
