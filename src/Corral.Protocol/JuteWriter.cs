using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Corral.Protocol;

/// <summary>
/// Writes jute's BinaryOutputArchive encoding into an <see cref="IBufferWriter{T}"/> (a pooled
/// frame buffer, a pipe writer, an ArrayBufferWriter). Null buffers, strings and vectors are written
/// as length -1, exactly as ZooKeeper does.
/// </summary>
public ref struct JuteWriter
{
    private readonly IBufferWriter<byte> _output;
    private int _written;

    public JuteWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _written = 0;
    }

    /// <summary>Bytes written through this writer so far.</summary>
    public readonly int Written => _written;

    public void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        Advance(1);
    }

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    public void WriteLong(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes a buffer; null is written as length -1.</summary>
    public void WriteBuffer(byte[]? value)
    {
        if (value is null) { WriteInt(-1); return; }
        WriteBuffer(value.AsSpan());
    }

    /// <summary>Writes a ustring; null is written as length -1.</summary>
    public void WriteString(string? value)
    {
        if (value is null) { WriteInt(-1); return; }
        int len = Encoding.UTF8.GetByteCount(value);
        WriteInt(len);
        var span = _output.GetSpan(len);
        Encoding.UTF8.GetBytes(value, span);
        Advance(len);
    }

    public void WriteStringVector(IReadOnlyList<string>? values)
    {
        if (values is null) { WriteInt(-1); return; }
        WriteInt(values.Count);
        for (int i = 0; i < values.Count; i++) WriteString(values[i]);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        Advance(bytes.Length);
    }

    private void Advance(int count)
    {
        _output.Advance(count);
        _written += count;
    }
}
