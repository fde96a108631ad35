namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// A simulated ZooKeeper client: one outstanding request at a time, a session that survives reconnects,
/// lastZxidSeen so it never connects to a replica that is behind what it already saw.
/// </summary>
public sealed class SimClient(int id, long sessionId)
{
    public int Id { get; } = id;
    private long _sessionId = sessionId;

    /// <summary>The session the client uses. Setting it resumes an existing session (scripted scenarios); <see cref="StartNewSession"/> begins one.</summary>
    public long SessionId
    {
        get => _sessionId;
        set
        {
            _sessionId = value;
            SessionCreated = true;
        }
    }

    /// <summary>Whether a CreateSession for <see cref="SessionId"/> was acknowledged; until then the client's next write creates it.</summary>
    public bool SessionCreated { get; set; }

    public void StartNewSession(long sessionId)
    {
        _sessionId = sessionId;
        SessionCreated = false;
    }

    public int? ServerId { get; set; }
    public long LastZxidSeen { get; set; }
    public long LastAckedWriteZxid { get; set; }
    public WriteRecord? Outstanding { get; set; }
    public int NextCxid { get; set; } = 1;
    public int EphemeralCounter { get; set; }
    public Dictionary<string, int> KnownVersions { get; } = new();
    public bool LivenessWriteDone { get; set; }
    public long Generation { get; set; }
}
