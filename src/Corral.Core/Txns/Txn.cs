using Corral.Protocol;

namespace Corral.Core.Txns;

/// <summary>Transaction types; the values match ZooKeeper's opcodes for the same change.</summary>
public enum TxnType
{
    Error = -1,
    CreateSession = -10,
    CloseSession = -11,
    Create = 1,
    Delete = 2,
    SetData = 5,
    SetAcl = 7,
    Check = 13,
    Multi = 14,
    CreateContainer = 19,
    DeleteContainer = 20,
    CreateTtl = 21,
}

/// <summary>Who made a transaction, when, and the zxid it was given. Type mirrors the body's type.</summary>
public readonly record struct TxnHeader(long SessionId, int Cxid, long Zxid, long Time, TxnType Type);

/// <summary>
/// An idempotent state change, fully resolved at prepare time (final sequential path, new versions,
/// the parent's new child-creation counter) so that every replica applying it reaches the same tree.
/// </summary>
public abstract record Txn
{
    public abstract TxnType Type { get; }
    internal abstract void WriteBody(ref JuteWriter w);
}

/// <summary>Fields shared by the three create transactions.</summary>
public abstract record CreateTxnBase(string Path, byte[]? Data, IReadOnlyList<Acl> Acl, int ParentChildCreations) : Txn
{
    internal void WriteCommon(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data);
        Protocol.Acl.WriteList(ref w, Acl);
        w.WriteInt(ParentChildCreations);
    }
}

/// <summary>Create a persistent or ephemeral node. EphemeralOwner is the owning session, or 0.</summary>
public sealed record CreateTxn(string Path, byte[]? Data, IReadOnlyList<Acl> Acl, long EphemeralOwner, int ParentChildCreations)
    : CreateTxnBase(Path, Data, Acl, ParentChildCreations)
{
    public override TxnType Type => TxnType.Create;
    internal override void WriteBody(ref JuteWriter w)
    {
        WriteCommon(ref w);
        w.WriteLong(EphemeralOwner);
    }
}

public sealed record CreateContainerTxn(string Path, byte[]? Data, IReadOnlyList<Acl> Acl, int ParentChildCreations)
    : CreateTxnBase(Path, Data, Acl, ParentChildCreations)
{
    public override TxnType Type => TxnType.CreateContainer;
    internal override void WriteBody(ref JuteWriter w) => WriteCommon(ref w);
}

public sealed record CreateTtlTxn(string Path, byte[]? Data, IReadOnlyList<Acl> Acl, long Ttl, int ParentChildCreations)
    : CreateTxnBase(Path, Data, Acl, ParentChildCreations)
{
    public override TxnType Type => TxnType.CreateTtl;
    internal override void WriteBody(ref JuteWriter w)
    {
        WriteCommon(ref w);
        w.WriteLong(Ttl);
    }
}

public sealed record DeleteTxn(string Path) : Txn
{
    public override TxnType Type => TxnType.Delete;
    internal override void WriteBody(ref JuteWriter w) => w.WriteString(Path);
}

/// <summary>The reaper's delete of an empty container or expired TTL node.</summary>
public sealed record DeleteContainerTxn(string Path) : Txn
{
    public override TxnType Type => TxnType.DeleteContainer;
    internal override void WriteBody(ref JuteWriter w) => w.WriteString(Path);
}

/// <summary>Set data; Version is the node's new version.</summary>
public sealed record SetDataTxn(string Path, byte[]? Data, int Version) : Txn
{
    public override TxnType Type => TxnType.SetData;
    internal override void WriteBody(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteBuffer(Data);
        w.WriteInt(Version);
    }
}

/// <summary>Set the ACL; Aversion is the node's new aversion.</summary>
public sealed record SetAclTxn(string Path, IReadOnlyList<Acl> Acl, int Aversion) : Txn
{
    public override TxnType Type => TxnType.SetAcl;
    internal override void WriteBody(ref JuteWriter w)
    {
        w.WriteString(Path);
        Protocol.Acl.WriteList(ref w, Acl);
        w.WriteInt(Aversion);
    }
}

/// <summary>A version check inside a multi; changes nothing.</summary>
public sealed record CheckVersionTxn(string Path, int Version) : Txn
{
    public override TxnType Type => TxnType.Check;
    internal override void WriteBody(ref JuteWriter w)
    {
        w.WriteString(Path);
        w.WriteInt(Version);
    }
}

/// <summary>A failed write: it changes nothing but still consumes its zxid.</summary>
public sealed record ErrorTxn(ErrorCode Error) : Txn
{
    public override TxnType Type => TxnType.Error;
    internal override void WriteBody(ref JuteWriter w) => w.WriteInt((int)Error);
}

/// <summary>An atomic list of transactions under one zxid. A failed multi holds only ErrorTxns.</summary>
public sealed record MultiTxn(IReadOnlyList<Txn> Txns) : Txn
{
    public override TxnType Type => TxnType.Multi;
    internal override void WriteBody(ref JuteWriter w)
    {
        w.WriteInt(Txns.Count);
        foreach (var t in Txns)
        {
            w.WriteInt((int)t.Type);
            t.WriteBody(ref w);
        }
    }
}

public sealed record CreateSessionTxn(int TimeoutMs, byte[] Password) : Txn
{
    public override TxnType Type => TxnType.CreateSession;
    internal override void WriteBody(ref JuteWriter w)
    {
        w.WriteInt(TimeoutMs);
        w.WriteBuffer(Password);
    }
}

/// <summary>Close a session, deleting the listed ephemeral nodes under this one zxid.</summary>
public sealed record CloseSessionTxn(IReadOnlyList<string> EphemeralPaths) : Txn
{
    public override TxnType Type => TxnType.CloseSession;
    internal override void WriteBody(ref JuteWriter w) => w.WriteStringVector(EphemeralPaths);
}
