namespace Corral.Protocol;

/// <summary>
/// A record that can write itself in jute's binary encoding. Every record type also has a
/// <c>static T Read(ref JuteReader r)</c>; static members cannot be called through this interface,
/// so readers dispatch on the opcode instead.
/// </summary>
public interface IJuteRecord
{
    void Write(ref JuteWriter w);
}
