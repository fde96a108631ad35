using Corral.Protocol;

namespace Corral.Bench;

/// <summary>
/// Encodes the requests the bench sends straight into a <see cref="FrameWriter"/>, one frame each,
/// with paths given as UTF-8 bytes (a jute ustring is encoded exactly like a buffer). Nothing here
/// allocates, so the load generator measures the server rather than its own garbage collector.
/// </summary>
public static class RequestEncoder
{
    public static void GetData(FrameWriter output, int xid, ReadOnlySpan<byte> path, bool watch)
    {
        var w = Begin(output, xid, OpCode.GetData);
        w.WriteBuffer(path);
        w.WriteBool(watch);
        output.FinishFrame();
    }

    public static void SetData(FrameWriter output, int xid, ReadOnlySpan<byte> path, ReadOnlySpan<byte> data, int version = -1)
    {
        var w = Begin(output, xid, OpCode.SetData);
        WriteSetDataBody(ref w, path, data, version);
        output.FinishFrame();
    }

    public static void Create(FrameWriter output, int xid, ReadOnlySpan<byte> path, ReadOnlySpan<byte> data, CreateMode mode)
    {
        var w = Begin(output, xid, OpCode.Create);
        WriteCreateBody(ref w, path, data, mode);
        output.FinishFrame();
    }

    public static void Delete(FrameWriter output, int xid, ReadOnlySpan<byte> path, int version = -1)
    {
        var w = Begin(output, xid, OpCode.Delete);
        w.WriteBuffer(path);
        w.WriteInt(version);
        output.FinishFrame();
    }

    public static void GetChildren(FrameWriter output, int xid, ReadOnlySpan<byte> path)
    {
        var w = Begin(output, xid, OpCode.GetChildren);
        w.WriteBuffer(path);
        w.WriteBool(false);
        output.FinishFrame();
    }

    public static void AddWatch(FrameWriter output, int xid, ReadOnlySpan<byte> path, AddWatchMode mode)
    {
        var w = Begin(output, xid, OpCode.AddWatch);
        w.WriteBuffer(path);
        w.WriteInt((int)mode);
        output.FinishFrame();
    }

    /// <summary>A multi of three writes that leaves the tree as it found it apart from the set key: create(path), setData(key), delete(path).</summary>
    public static void CreateSetDeleteMulti(FrameWriter output, int xid, ReadOnlySpan<byte> path, ReadOnlySpan<byte> keyPath, ReadOnlySpan<byte> data)
    {
        var w = Begin(output, xid, OpCode.Multi);
        new MultiHeader(OpCode.Create, false, (ErrorCode)(-1)).Write(ref w);
        WriteCreateBody(ref w, path, data, CreateMode.Persistent);
        new MultiHeader(OpCode.SetData, false, (ErrorCode)(-1)).Write(ref w);
        WriteSetDataBody(ref w, keyPath, data, -1);
        new MultiHeader(OpCode.Delete, false, (ErrorCode)(-1)).Write(ref w);
        w.WriteBuffer(path);
        w.WriteInt(-1);
        MultiHeader.End.Write(ref w);
        output.FinishFrame();
    }

    /// <summary>closeSession (-11): the server ends the session and removes its ephemerals, then replies.</summary>
    public static void CloseSession(FrameWriter output, int xid)
    {
        Begin(output, xid, OpCode.CloseSession);
        output.FinishFrame();
    }

    public static void Ping(FrameWriter output)
    {
        Begin(output, Xids.Ping, OpCode.Ping);
        output.FinishFrame();
    }

    private static JuteWriter Begin(FrameWriter output, int xid, OpCode op)
    {
        output.BeginFrame();
        var w = new JuteWriter(output);
        new RequestHeader(xid, op).Write(ref w);
        return w;
    }

    private static void WriteSetDataBody(ref JuteWriter w, ReadOnlySpan<byte> path, ReadOnlySpan<byte> data, int version)
    {
        w.WriteBuffer(path);
        w.WriteBuffer(data);
        w.WriteInt(version);
    }

    // Written field by field (not through Acl.WriteList) so no enumerator is allocated per request.
    private static void WriteCreateBody(ref JuteWriter w, ReadOnlySpan<byte> path, ReadOnlySpan<byte> data, CreateMode mode)
    {
        w.WriteBuffer(path);
        w.WriteBuffer(data);
        w.WriteInt(1);                    // one ACL entry: world:anyone with every permission
        w.WriteInt((int)Perms.All);
        w.WriteBuffer("world"u8);
        w.WriteBuffer("anyone"u8);
        w.WriteInt((int)mode);
    }
}
