using Corral.Storage.FileSystem;

namespace Corral.Storage.Snapshots;

/// <summary>Write-only, buffered stream appending to a file from a start offset while computing CRC-32C of what passes through.</summary>
internal sealed class ChecksummingWriteStream(IStorageFile file, long startOffset) : Stream
{
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _buffered;
    private long _fileOffset = startOffset;
    private uint _crc = Crc32C.InitialState;

    public long BytesWritten { get; private set; }
    public uint Checksum => Crc32C.Finish(_crc);
    public long FileOffset => _fileOffset + _buffered;

    public override void Write(ReadOnlySpan<byte> data)
    {
        _crc = Crc32C.Append(_crc, data);
        BytesWritten += data.Length;
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, _buffer.Length - _buffered);
            data[..n].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += n;
            data = data[n..];
            if (_buffered == _buffer.Length) Drain();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Pushes buffered bytes to the file (not an fsync).</summary>
    public override void Flush() => Drain();

    private void Drain()
    {
        if (_buffered == 0) return;
        file.Write(_fileOffset, _buffer.AsSpan(0, _buffered));
        _fileOffset += _buffered;
        _buffered = 0;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => BytesWritten;
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Read-only, buffered stream over the byte range [start, start + length) of a file.</summary>
internal sealed class BoundedReadStream(IStorageFile file, long start, long length) : Stream
{
    private long _position;

    public override int Read(Span<byte> buffer)
    {
        long remaining = length - _position;
        if (remaining <= 0 || buffer.IsEmpty) return 0;
        var dest = buffer[..(int)Math.Min(buffer.Length, remaining)];
        int n = file.ReadFully(start + _position, dest);
        if (n < dest.Length) throw new EndOfStreamException($"'{file.Path}' ended early.");
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
