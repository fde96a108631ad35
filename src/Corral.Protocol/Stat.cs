namespace Corral.Protocol;

/// <summary>
/// The 68-byte Stat record, field order exactly as zookeeper.jute declares it.
/// </summary>
public readonly record struct Stat(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    int DataLength,
    int NumChildren,
    long Pzxid) : IJuteRecord
{
    public const int EncodedSize = 68;

    public void Write(ref JuteWriter w)
    {
        w.WriteLong(Czxid);
        w.WriteLong(Mzxid);
        w.WriteLong(Ctime);
        w.WriteLong(Mtime);
        w.WriteInt(Version);
        w.WriteInt(Cversion);
        w.WriteInt(Aversion);
        w.WriteLong(EphemeralOwner);
        w.WriteInt(DataLength);
        w.WriteInt(NumChildren);
        w.WriteLong(Pzxid);
    }

    public static Stat Read(ref JuteReader r) => new(
        r.ReadLong(), r.ReadLong(), r.ReadLong(), r.ReadLong(),
        r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadLong(),
        r.ReadInt(), r.ReadInt(), r.ReadLong());
}
