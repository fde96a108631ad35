using System.Text;

namespace Corral.Client.Tests.Infrastructure;

/// <summary>A StringWriter that may be written by the shell's event thread while a test reads it.</summary>
public sealed class LockedStringWriter : StringWriter
{
    public override void Write(char value) { lock (this) base.Write(value); }
    public override void Write(string? value) { lock (this) base.Write(value); }
    public override void Write(char[] buffer, int index, int count) { lock (this) base.Write(buffer, index, count); }
    public override void WriteLine(string? value) { lock (this) base.WriteLine(value); }
    public override string ToString() { lock (this) return base.ToString(); }
    public void Clear() { lock (this) GetStringBuilder().Clear(); }
}
