namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// A simulated ZooKeeper client: one outstanding request at a time, a session that survives reconnects,
/// lastZxidSeen so it never connects to a replica that is behind what it already saw.
/// </summary>
public sealed class SimClient(int id, long sessionId)
{
    public int Id { get; } = id;
    public long SessionId { get; set; } = sessionId;
    public int? ServerId { get; set; }
    public long LastZxidSeen { get; set; }
    public long LastAckedWriteZxid { get; set; }
    public WriteRecord? Outstanding { get; set; }
    public long NextRequestId { get; set; } = 1;
    public int EphemeralCounter { get; set; }
    public Dictionary<string, int> KnownVersions { get; } = new();
    public bool LivenessWriteDone { get; set; }
    public long Generation { get; set; }
}
