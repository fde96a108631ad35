namespace Corral.Protocol;

/// <summary>
/// Maps a client request's opcode to the record that follows its RequestHeader, so a server
/// dispatcher decodes every request one way. Unknown opcodes are reported (not thrown) because
/// ZooKeeper answers them with UNIMPLEMENTED, while a body that fails to decode is a JuteException
/// (answered with MARSHALLINGERROR).
/// </summary>
public static class RequestBodies
{
    /// <summary>
    /// Reads the body for <paramref name="type"/>. Returns false for an opcode a client may not send
    /// (including notification, createSession and error). On true, <paramref name="body"/> is null
    /// for ops without a body: ping, closeSession and whoAmI.
    /// </summary>
    public static bool TryRead(OpCode type, ref JuteReader r, out IJuteRecord? body)
    {
        body = type switch
        {
            OpCode.Create or OpCode.Create2 or OpCode.CreateContainer => CreateRequest.Read(ref r),
            OpCode.CreateTtl => CreateTTLRequest.Read(ref r),
            OpCode.Delete => DeleteRequest.Read(ref r),
            OpCode.DeleteContainer => DeleteContainerRequest.Read(ref r),
            OpCode.Exists => ExistsRequest.Read(ref r),
            OpCode.GetData => GetDataRequest.Read(ref r),
            OpCode.SetData => SetDataRequest.Read(ref r),
            OpCode.GetAcl => GetACLRequest.Read(ref r),
            OpCode.SetAcl => SetACLRequest.Read(ref r),
            OpCode.GetChildren => GetChildrenRequest.Read(ref r),
            OpCode.GetChildren2 => GetChildren2Request.Read(ref r),
            OpCode.Sync => SyncRequest.Read(ref r),
            OpCode.Check => CheckVersionRequest.Read(ref r),
            OpCode.Multi or OpCode.MultiRead => MultiRequest.Read(ref r),
            OpCode.Reconfig => ReconfigRequest.Read(ref r),
            OpCode.CheckWatches => CheckWatchesRequest.Read(ref r),
            OpCode.RemoveWatches => RemoveWatchesRequest.Read(ref r),
            OpCode.Auth => AuthPacket.Read(ref r),
            OpCode.SetWatches => SetWatches.Read(ref r),
            OpCode.SetWatches2 => SetWatches2.Read(ref r),
            OpCode.Sasl => GetSASLRequest.Read(ref r),
            OpCode.GetEphemerals => GetEphemeralsRequest.Read(ref r),
            OpCode.GetAllChildrenNumber => GetAllChildrenNumberRequest.Read(ref r),
            OpCode.AddWatch => AddWatchRequest.Read(ref r),
            _ => null,
        };
        return body is not null || type is OpCode.Ping or OpCode.CloseSession or OpCode.WhoAmI;
    }
}
