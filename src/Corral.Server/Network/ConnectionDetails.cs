using System.Buffers.Binary;
using Corral.Protocol;

namespace Corral.Server.Network;

/// <summary>
/// The per-connection figures ZooKeeper's <c>cons</c> prints (sid, lop, est, to, lcxid, lzxid, lresp,
/// llat, min/avg/max latency), read off the frames as they pass so the core needs no hooks.
/// Loop only: written from the processing loop and read by four-letter words that run on it.
/// </summary>
public sealed class ConnectionDetails(long establishedUnixMs)
{
    /// <summary>Wall-clock ms when the connection was accepted (cons' est).</summary>
    public long EstablishedUnixMs { get; } = establishedUnixMs;

    /// <summary>The session from the ConnectResponse; 0 until the handshake completes.</summary>
    public long SessionId { get; private set; }

    /// <summary>The negotiated session timeout from the ConnectResponse.</summary>
    public int SessionTimeoutMs { get; private set; }

    /// <summary>ZooKeeper's four-character name of the last answered operation ("NA" before any).</summary>
    public string LastOperation { get; private set; } = "NA";

    public long LastCxid { get; private set; } = -1;
    public long LastZxid { get; private set; } = -1;
    public long LastResponseUnixMs { get; private set; }
    public long LastLatencyMs { get; private set; }
    public long MinLatencyMs { get; private set; } = long.MaxValue;
    public long MaxLatencyMs { get; private set; }
    private long _latencyTotalMs;
    private long _latencyCount;

    public long AverageLatencyMs => _latencyCount == 0 ? 0 : _latencyTotalMs / _latencyCount;

    /// <summary>Reads sessionId and timeout from a ConnectResponse payload (protocolVersion, timeOut, sessionId, passwd).</summary>
    public void OnConnectResponse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 16) return;
        SessionTimeoutMs = BinaryPrimitives.ReadInt32BigEndian(payload[4..]);
        SessionId = BinaryPrimitives.ReadInt64BigEndian(payload[8..]);
        LastOperation = "SESS";
    }

    /// <summary>Records a reply to a request of type <paramref name="op"/>: its reply header's xid and zxid, and its latency.</summary>
    public void OnReply(OpCode op, ReadOnlySpan<byte> replyPayload, long latencyMs, long nowUnixMs)
    {
        if (replyPayload.Length >= 12)
        {
            LastCxid = BinaryPrimitives.ReadInt32BigEndian(replyPayload);
            LastZxid = BinaryPrimitives.ReadInt64BigEndian(replyPayload[4..]);
        }
        LastOperation = OperationName(op);
        LastResponseUnixMs = nowUnixMs;
        LastLatencyMs = latencyMs;
        MinLatencyMs = Math.Min(MinLatencyMs, latencyMs);
        MaxLatencyMs = Math.Max(MaxLatencyMs, latencyMs);
        _latencyTotalMs += latencyMs;
        _latencyCount++;
    }

    /// <summary>crst: forget latencies and the last operation, as ServerCnxn.resetStats does.</summary>
    public void Reset()
    {
        LastOperation = "NA";
        LastCxid = -1;
        LastZxid = -1;
        LastResponseUnixMs = 0;
        LastLatencyMs = 0;
        MinLatencyMs = long.MaxValue;
        MaxLatencyMs = 0;
        _latencyTotalMs = 0;
        _latencyCount = 0;
    }

    /// <summary>The short names FinalRequestProcessor stores as a connection's last operation.</summary>
    public static string OperationName(OpCode op) => op switch
    {
        OpCode.Ping => "PING",
        OpCode.CreateSession => "SESS",
        OpCode.Multi => "MULT",
        OpCode.MultiRead => "MLTR",
        OpCode.Create or OpCode.Create2 or OpCode.CreateTtl or OpCode.CreateContainer => "CREA",
        OpCode.Delete or OpCode.DeleteContainer => "DELE",
        OpCode.SetData => "SETD",
        OpCode.Reconfig => "RECO",
        OpCode.SetAcl => "SETA",
        OpCode.Check => "CHEC",
        OpCode.Sync => "SYNC",
        OpCode.Exists => "EXIS",
        OpCode.GetData => "GETD",
        OpCode.SetWatches => "SETW",
        OpCode.SetWatches2 => "STW2",
        OpCode.AddWatch => "ADDW",
        OpCode.GetAcl => "GETA",
        OpCode.GetChildren or OpCode.GetChildren2 => "GETC",
        OpCode.GetAllChildrenNumber => "GETN",
        OpCode.GetEphemerals => "GETE",
        OpCode.CheckWatches => "CHKW",
        OpCode.RemoveWatches => "REMW",
        OpCode.WhoAmI => "HOMI",
        OpCode.CloseSession => "CLOS",
        _ => "NA",
    };
}
