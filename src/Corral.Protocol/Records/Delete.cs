namespace Corral.Protocol;

/// <summary>delete (2). Version -1 matches any version.</summary>
public sealed record DeleteRequest(string? Path, int Version) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt(Version);
    }

    public static DeleteRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new DeleteRequest(path, r.ReadInt());
    }
}

/// <summary>
/// deleteContainer (20), used by the server's container sweeper. ZooKeeper sends the path as a
/// jute buffer of UTF-8 bytes, which is byte-for-byte the same encoding as a ustring.
/// </summary>
public sealed record DeleteContainerRequest(string? Path) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteString(Path);

    public static DeleteContainerRequest Read(ref JuteReader r) => new(r.ReadString());
}
