namespace Corral.Storage.Log;

/// <summary>
/// Encoded records waiting to be written, back to back in one buffer so a whole group commit is
/// one write call. Not thread-safe: <see cref="GroupCommitter"/> guards it.
/// </summary>
public sealed class RecordBatch
{
    private byte[] _buffer = new byte[64 * 1024];
    private readonly List<(long Zxid, int Offset, bool StartsSegment)> _records = [];

    public int Count => _records.Count;
    public int ByteCount { get; private set; }
    public long LastZxid => _records[^1].Zxid;

    /// <param name="startsSegment">True when this record must open a new segment (roll-over, or a zxid jump after a snapshot).</param>
    public void Add(long zxid, ReadOnlySpan<byte> payload, bool startsSegment)
    {
        int size = TxnLogFormat.RecordSize(payload.Length);
        if (ByteCount + size > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(ByteCount + size, _buffer.Length * 2));
        TxnLogFormat.WriteRecord(_buffer.AsSpan(ByteCount, size), zxid, payload);
        _records.Add((zxid, ByteCount, startsSegment));
        ByteCount += size;
    }

    public void Clear()
    {
        _records.Clear();
        ByteCount = 0;
        if (_buffer.Length > 16 << 20) _buffer = new byte[64 * 1024]; // do not pin a huge burst's buffer forever
    }

    internal long ZxidAt(int index) => _records[index].Zxid;
    internal bool StartsSegmentAt(int index) => _records[index].StartsSegment;
    internal int OffsetAt(int index) => index == _records.Count ? ByteCount : _records[index].Offset;
    internal ReadOnlySpan<byte> Bytes(int fromIndex, int toIndexExclusive) =>
        _buffer.AsSpan(OffsetAt(fromIndex), OffsetAt(toIndexExclusive) - OffsetAt(fromIndex));
}
