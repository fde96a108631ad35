using Corral.Core.Tree;
using Corral.Protocol;

namespace Corral.Core.Server;

/// <summary>Where a request waits in its connection's FIFO.</summary>
internal enum PendingKind
{
    /// <summary>A new session's ConnectResponse, sent once its CreateSession transaction applies.</summary>
    Connect,
    /// <summary>A prepared write; replied once its transaction applies.</summary>
    Write,
    /// <summary>sync: replied once every write prepared before it (on any connection) has applied.</summary>
    Sync,
    /// <summary>Anything answered from the tree (reads, watches, auth, ping, errors).</summary>
    Immediate,
}

/// <summary>One request in a connection's FIFO of replies.</summary>
internal sealed class PendingRequest
{
    public PendingKind Kind;
    public int Xid;
    public OpCode Op;
    public IJuteRecord? Body;
    /// <summary>The write's zxid, or for sync the last zxid it must wait for.</summary>
    public long Zxid;
    public TxnResult? Result;
    /// <summary>For requests whose body failed to decode: the error to reply.</summary>
    public ErrorCode PresetError;
    public long StartTimestamp;
    /// <summary>For Connect: what to send.</summary>
    public ConnectResponse? ConnectResponse;

    /// <summary>Forgets everything, for reuse.</summary>
    public void Clear()
    {
        Kind = default;
        Xid = 0;
        Op = default;
        Body = null;
        Zxid = 0;
        Result = null;
        PresetError = ErrorCode.Ok;
        StartTimestamp = 0;
        ConnectResponse = null;
    }

    public bool IsReady(long lastApplied) => Kind switch
    {
        PendingKind.Connect or PendingKind.Write => Result is not null,
        PendingKind.Sync => lastApplied >= Zxid,
        _ => true,
    };
}
