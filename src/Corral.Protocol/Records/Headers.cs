namespace Corral.Protocol;

/// <summary>Precedes every client request after the ConnectRequest: xid then opcode (8 bytes).</summary>
public readonly record struct RequestHeader(int Xid, OpCode Type) : IJuteRecord
{
    public const int EncodedSize = 8;

    public void Write(ref JuteWriter w)
    {
        w.WriteInt(Xid);
        w.WriteInt((int)Type);
    }

    public static RequestHeader Read(ref JuteReader r)
    {
        int xid = r.ReadInt();
        return new RequestHeader(xid, (OpCode)r.ReadInt());
    }
}

/// <summary>Precedes every server reply and notification after the ConnectResponse (16 bytes).</summary>
public readonly record struct ReplyHeader(int Xid, long Zxid, ErrorCode Err) : IJuteRecord
{
    public const int EncodedSize = 16;

    public void Write(ref JuteWriter w)
    {
        w.WriteInt(Xid);
        w.WriteLong(Zxid);
        w.WriteInt((int)Err);
    }

    public static ReplyHeader Read(ref JuteReader r)
    {
        int xid = r.ReadInt();
        long zxid = r.ReadLong();
        return new ReplyHeader(xid, zxid, (ErrorCode)r.ReadInt());
    }
}

/// <summary>
/// Precedes each operation and each result inside a multi (9 bytes). Type -1 with Done marks the
/// end; Type -1 without Done is an error result.
/// </summary>
public readonly record struct MultiHeader(OpCode Type, bool Done, ErrorCode Err) : IJuteRecord
{
    public const int EncodedSize = 9;

    /// <summary>The terminator that ends both a multi request and a multi response.</summary>
    public static readonly MultiHeader End = new(OpCode.Error, true, (ErrorCode)(-1));

    public void Write(ref JuteWriter w)
    {
        w.WriteInt((int)Type);
        w.WriteBool(Done);
        w.WriteInt((int)Err);
    }

    public static MultiHeader Read(ref JuteReader r)
    {
        var type = (OpCode)r.ReadInt();
        bool done = r.ReadBool();
        return new MultiHeader(type, done, (ErrorCode)r.ReadInt());
    }
}

/// <summary>A bare error code; the body of an addWatch reply and of a multi error result.</summary>
public readonly record struct ErrorResponse(ErrorCode Err) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteInt((int)Err);

    public static ErrorResponse Read(ref JuteReader r) => new((ErrorCode)r.ReadInt());
}
