namespace Corral.Protocol;

/// <summary>The body of a notification frame (xid -1). The server always sends state SyncConnected.</summary>
public sealed record WatcherEvent(EventType Type, KeeperState State, string? Path) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteInt((int)Type);
        w.WriteInt((int)State);
        w.WriteString(Path);
    }

    public static WatcherEvent Read(ref JuteReader r)
    {
        var type = (EventType)r.ReadInt();
        var state = (KeeperState)r.ReadInt();
        return new WatcherEvent(type, state, r.ReadString());
    }
}

/// <summary>Re-registers watches after a reconnect (opcode 101).</summary>
public sealed record SetWatches(
    long RelativeZxid,
    IReadOnlyList<string>? DataWatches,
    IReadOnlyList<string>? ExistWatches,
    IReadOnlyList<string>? ChildWatches) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteLong(RelativeZxid);
        w.WriteStringVector(DataWatches);
        w.WriteStringVector(ExistWatches);
        w.WriteStringVector(ChildWatches);
    }

    public static SetWatches Read(ref JuteReader r)
    {
        long zxid = r.ReadLong();
        var data = r.ReadStringVector();
        var exist = r.ReadStringVector();
        return new SetWatches(zxid, data, exist, r.ReadStringVector());
    }

    public bool Equals(SetWatches? other) =>
        other is not null && RelativeZxid == other.RelativeZxid && ValueEquality.List(DataWatches, other.DataWatches) &&
        ValueEquality.List(ExistWatches, other.ExistWatches) && ValueEquality.List(ChildWatches, other.ChildWatches);

    public override int GetHashCode() =>
        HashCode.Combine(RelativeZxid, ValueEquality.Hash(DataWatches), ValueEquality.Hash(ExistWatches), ValueEquality.Hash(ChildWatches));
}

/// <summary>SetWatches plus persistent and persistent-recursive watches (opcode 105).</summary>
public sealed record SetWatches2(
    long RelativeZxid,
    IReadOnlyList<string>? DataWatches,
    IReadOnlyList<string>? ExistWatches,
    IReadOnlyList<string>? ChildWatches,
    IReadOnlyList<string>? PersistentWatches,
    IReadOnlyList<string>? PersistentRecursiveWatches) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteLong(RelativeZxid);
        w.WriteStringVector(DataWatches);
        w.WriteStringVector(ExistWatches);
        w.WriteStringVector(ChildWatches);
        w.WriteStringVector(PersistentWatches);
        w.WriteStringVector(PersistentRecursiveWatches);
    }

    public static SetWatches2 Read(ref JuteReader r)
    {
        long zxid = r.ReadLong();
        var data = r.ReadStringVector();
        var exist = r.ReadStringVector();
        var child = r.ReadStringVector();
        var persistent = r.ReadStringVector();
        return new SetWatches2(zxid, data, exist, child, persistent, r.ReadStringVector());
    }

    public bool Equals(SetWatches2? other) =>
        other is not null && RelativeZxid == other.RelativeZxid && ValueEquality.List(DataWatches, other.DataWatches) &&
        ValueEquality.List(ExistWatches, other.ExistWatches) && ValueEquality.List(ChildWatches, other.ChildWatches) &&
        ValueEquality.List(PersistentWatches, other.PersistentWatches) &&
        ValueEquality.List(PersistentRecursiveWatches, other.PersistentRecursiveWatches);

    public override int GetHashCode() =>
        HashCode.Combine(RelativeZxid, ValueEquality.Hash(DataWatches), ValueEquality.Hash(ExistWatches), ValueEquality.Hash(ChildWatches),
            ValueEquality.Hash(PersistentWatches), ValueEquality.Hash(PersistentRecursiveWatches));
}

/// <summary>Adds a persistent or persistent-recursive watch (opcode 106). The reply body is ErrorResponse{0}.</summary>
public sealed record AddWatchRequest(string? Path, AddWatchMode Mode) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt((int)Mode);
    }

    public static AddWatchRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new AddWatchRequest(path, (AddWatchMode)r.ReadInt());
    }
}

/// <summary>Asks whether a watch of the given type exists (opcode 17). Type is not range-checked here: the server decides.</summary>
public sealed record CheckWatchesRequest(string? Path, WatcherType Type) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt((int)Type);
    }

    public static CheckWatchesRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new CheckWatchesRequest(path, (WatcherType)r.ReadInt());
    }
}

/// <summary>Removes watches of the given type (opcode 18).</summary>
public sealed record RemoveWatchesRequest(string? Path, WatcherType Type) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt((int)Type);
    }

    public static RemoveWatchesRequest Read(ref JuteReader r)
    {
        string? path = r.ReadString();
        return new RemoveWatchesRequest(path, (WatcherType)r.ReadInt());
    }
}
