namespace Corral.Zab.Tests.Simulation;

public enum SimOp : byte { Create = 1, SetData = 2, Delete = 3, CloseSession = 4, Check = 5, Multi = 6, CreateSession = 7 }

/// <summary>
/// A client write request as it travels to the leader (the payload of <see cref="ZabPeer.Propose"/> and of a
/// forwarded REQUEST). The leader's preparer turns it into a real ZooKeeper txn at proposal time; the txn
/// header carries <see cref="SessionId"/> and <see cref="Cxid"/>, which is how the server holding the
/// client's connection recognises its answer. <see cref="Ops"/> holds a multi's operations (create,
/// setData, delete, check), all applied or none.
/// </summary>
public sealed record SimRequest(int ClientId, long SessionId, int Cxid, SimOp Op, string Path, string Data, int Version,
    bool Ephemeral = false, bool Sequential = false, IReadOnlyList<SimRequest>? Ops = null)
{
    public byte[] Encode()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms)) Write(w);
        return ms.ToArray();
    }

    private void Write(BinaryWriter w)
    {
        w.Write(ClientId); w.Write(SessionId); w.Write(Cxid); w.Write((byte)Op);
        w.Write(Path); w.Write(Data); w.Write(Version); w.Write(Ephemeral); w.Write(Sequential);
        w.Write(Ops?.Count ?? -1);
        foreach (var op in Ops ?? []) op.Write(w);
    }

    public static SimRequest Decode(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload));
        return Read(r);
    }

    private static SimRequest Read(BinaryReader r)
    {
        var req = new SimRequest(r.ReadInt32(), r.ReadInt64(), r.ReadInt32(), (SimOp)r.ReadByte(), r.ReadString(), r.ReadString(),
            r.ReadInt32(), r.ReadBoolean(), r.ReadBoolean());
        var n = r.ReadInt32();
        if (n < 0) return req;
        var ops = new List<SimRequest>(n);
        for (var i = 0; i < n; i++) ops.Add(Read(r));
        return req with { Ops = ops };
    }

    public override string ToString() => Op switch
    {
        SimOp.Create => $"create{(Sequential ? "-seq" : "")}{(Ephemeral ? "-eph" : "")} {Path}={Data}",
        SimOp.SetData => $"set {Path}={Data} v{Version}",
        SimOp.Delete => $"delete {Path} v{Version}",
        SimOp.Check => $"check {Path} v{Version}",
        SimOp.Multi => $"multi[{string.Join(", ", Ops ?? [])}]",
        SimOp.CreateSession => $"createSession {SessionId:x}",
        _ => $"closeSession {SessionId:x}",
    };
}
