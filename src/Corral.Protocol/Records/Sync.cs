namespace Corral.Protocol;

/// <summary>sync (9).</summary>
public sealed record SyncRequest(string? Path) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteString(Path);

    public static SyncRequest Read(ref JuteReader r) => new(r.ReadString());
}

/// <summary>Reply to sync: the request path echoed.</summary>
public sealed record SyncResponse(string? Path) : IJuteRecord
{
    public void Write(ref JuteWriter w) => w.WriteString(Path);

    public static SyncResponse Read(ref JuteReader r) => new(r.ReadString());
}
