namespace Corral.Zab.Tests.Simulation;

public enum SimOp : byte { Create = 1, SetData = 2, Delete = 3, CloseSession = 4 }

/// <summary>
/// A client write as it travels through Zab: who sent it (so the server that holds the client's
/// connection can answer it once applied) and the command itself. Applying it is deterministic, so
/// every replica computes the same result.
/// </summary>
public sealed record SimTxn(int ClientId, long SessionId, long RequestId, SimOp Op, string Path, string Data, int Version,
    bool Ephemeral, bool Sequential)
{
    public byte[] Encode()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(ClientId); w.Write(SessionId); w.Write(RequestId); w.Write((byte)Op);
            w.Write(Path); w.Write(Data); w.Write(Version); w.Write(Ephemeral); w.Write(Sequential);
        }
        return ms.ToArray();
    }

    public static SimTxn Decode(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload));
        return new SimTxn(r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), (SimOp)r.ReadByte(), r.ReadString(), r.ReadString(),
            r.ReadInt32(), r.ReadBoolean(), r.ReadBoolean());
    }

    public override string ToString() => Op switch
    {
        SimOp.Create => $"create{(Sequential ? "-seq" : "")}{(Ephemeral ? "-eph" : "")} {Path}={Data}",
        SimOp.SetData => $"set {Path}={Data} v{Version}",
        SimOp.Delete => $"delete {Path} v{Version}",
        _ => $"closeSession {SessionId:x}",
    };
}
