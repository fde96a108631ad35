namespace Corral.Protocol;

/// <summary>reconfig (16). The reply is a GetDataResponse holding the new config text.</summary>
public sealed record ReconfigRequest(string? JoiningServers, string? LeavingServers, string? NewMembers, long CurConfigId) : IJuteRecord
{
    public void Write(ref JuteWriter w)
    {
        w.WriteString(JoiningServers);
        w.WriteString(LeavingServers);
        w.WriteString(NewMembers);
        w.WriteLong(CurConfigId);
    }

    public static ReconfigRequest Read(ref JuteReader r)
    {
        string? joining = r.ReadString();
        string? leaving = r.ReadString();
        string? members = r.ReadString();
        return new ReconfigRequest(joining, leaving, members, r.ReadLong());
    }
}
