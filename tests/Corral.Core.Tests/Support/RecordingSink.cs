using System.Buffers.Binary;
using Corral.Core.Server;

namespace Corral.Core.Tests.Support;

/// <summary>Records every frame the core sends, checking each carries a correct length prefix.</summary>
public sealed class RecordingSink : IConnectionSink
{
    public List<byte[]> Frames { get; } = [];
    public bool Closed { get; private set; }
    public int SendsAfterClose { get; private set; }

    public void Send(ReadOnlySpan<byte> frame)
    {
        if (Closed) SendsAfterClose++;
        Assert.True(frame.Length >= 4, "frame shorter than its length prefix");
        Assert.Equal(frame.Length - 4, BinaryPrimitives.ReadInt32BigEndian(frame));
        Frames.Add(frame[4..].ToArray());
    }

    public void Close() => Closed = true;
}
