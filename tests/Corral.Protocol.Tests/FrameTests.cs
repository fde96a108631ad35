using System.Buffers;
using Corral.Protocol;
using static Corral.Protocol.Tests.Codec;

namespace Corral.Protocol.Tests;

public class FrameTests
{
    /// <summary>A sequence split into several segments, like bytes arriving in pieces from a socket.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        if (bytes.Length == 0) return ReadOnlySequence<byte>.Empty;
        Segment? first = null, last = null;
        for (int i = 0; i < bytes.Length; i += segmentSize)
        {
            var chunk = bytes.AsMemory(i, Math.Min(segmentSize, bytes.Length - i));
            if (first is null) first = last = new Segment(chunk, 0);
            else last = last!.Append(chunk);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    [Fact]
    public void CompleteFramesAreSlicedOffOneByOne()
    {
        var bytes = Hex("00000002 aabb 00000000 00000001 cc ee");
        var buffer = Segmented(bytes, 3);

        Assert.Equal(FrameStatus.Complete, Frame.TryReadFrame(ref buffer, out var p1, out int len1));
        Assert.Equal(2, len1);
        Assert.Equal(Hex("aabb"), p1.ToArray());
        Assert.Equal(FrameStatus.Complete, Frame.TryReadFrame(ref buffer, out var p2));
        Assert.Equal(0, p2.Length);
        Assert.Equal(FrameStatus.Complete, Frame.TryReadFrame(ref buffer, out var p3));
        Assert.Equal(Hex("cc"), p3.ToArray());
        Assert.Equal(FrameStatus.Incomplete, Frame.TryReadFrame(ref buffer, out _));
        Assert.Equal(Hex("ee"), buffer.ToArray());
    }

    [Fact]
    public void EveryPrefixOfAFrameIsIncompleteAndLeavesTheBufferAlone()
    {
        var bytes = Hex("00000005 0102030405");
        for (int n = 0; n < bytes.Length; n++)
        {
            var buffer = Segmented(bytes[..n], 2);
            Assert.Equal(FrameStatus.Incomplete, Frame.TryReadFrame(ref buffer, out _));
            Assert.Equal(n, buffer.Length);
            Assert.Equal(FrameStatus.Incomplete, Frame.TryReadFrame(bytes.AsSpan(0, n), out _, out _));
        }
    }

    [Theory]
    [InlineData("ffffffff", -1)]
    [InlineData("80000000", int.MinValue)]
    [InlineData("00100000", 0x100000)]
    [InlineData("7fffffff", int.MaxValue)]
    public void NegativeOrOversizedLengthIsInvalid(string prefix, int expected)
    {
        var buffer = new ReadOnlySequence<byte>(Hex(prefix));
        Assert.Equal(FrameStatus.Invalid, Frame.TryReadFrame(ref buffer, out _, out int length));
        Assert.Equal(expected, length);
        Assert.Equal(4, buffer.Length);
        Assert.Equal(FrameStatus.Invalid, Frame.TryReadFrame(Hex(prefix), out _, out _));
    }

    [Fact]
    public void MaxLengthIsAcceptedButWaitsForItsBytes()
    {
        var buffer = new ReadOnlySequence<byte>(Hex("000fffff 00"));
        Assert.Equal(FrameStatus.Incomplete, Frame.TryReadFrame(ref buffer, out _, out int length));
        Assert.Equal(Frame.MaxFrameLength, length);

        var whole = new byte[4 + Frame.MaxFrameLength];
        whole[1] = 0x0f; whole[2] = 0xff; whole[3] = 0xff;
        var seq = new ReadOnlySequence<byte>(whole);
        Assert.Equal(FrameStatus.Complete, Frame.TryReadFrame(ref seq, out var payload));
        Assert.Equal(Frame.MaxFrameLength, payload.Length);
        Assert.Equal(0, seq.Length);
    }

    [Fact]
    public void SpanReaderReportsConsumedSize()
    {
        Assert.Equal(FrameStatus.Complete, Frame.TryReadFrame(Hex("00000001 7f 00"), out var payload, out int size));
        Assert.Equal(5, size);
        Assert.Equal(Hex("7f"), payload.ToArray());
    }

    [Fact]
    public void FrameWriterBackPatchesLengthsOfConsecutiveFrames()
    {
        using var fw = new FrameWriter(initialCapacity: 16);
        Assert.Equal(8, fw.WriteFrame(new RequestHeader(Xids.Ping, OpCode.Ping)));
        Assert.Equal(20, fw.WriteFrame(new ReplyHeader(1, 2, ErrorCode.Ok), new ErrorResponse(ErrorCode.Ok)));
        Assert.Equal(16, fw.WriteFrame(new ReplyHeader(1, 2, ErrorCode.NoNode), (IJuteRecord?)null));
        Assert.Equal(
            "00000008fffffffe0000000b" + "00000014000000010000000000000002" + "0000000000000000" + "00000010000000010000000000000002ffffff9b",
            ToHex(fw.WrittenSpan.ToArray()));
        Assert.Equal(fw.WrittenCount, fw.WrittenMemory.Length);

        fw.Reset();
        Assert.Equal(0, fw.WrittenCount);
        fw.WriteFrame(new SyncResponse("/"));
        Assert.Equal("00000005000000012f", ToHex(fw.WrittenSpan.ToArray()));
    }

    [Fact]
    public void FrameWriterGrowsAcrossLargePayloads()
    {
        using var fw = new FrameWriter(initialCapacity: 16);
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        int length = fw.WriteFrame(new ReplyHeader(1, 1, ErrorCode.Ok), new GetDataResponse(data, SampleStat));
        Assert.Equal(16 + 4 + data.Length + Stat.EncodedSize, length);

        var seq = new ReadOnlySequence<byte>(fw.WrittenMemory);
        Assert.Equal(FrameStatus.Complete, Frame.TryReadFrame(ref seq, out var payload));
        var r = new JuteReader(payload.ToArray());
        ReplyHeader.Read(ref r);
        Assert.Equal(new GetDataResponse(data, SampleStat), GetDataResponse.Read(ref r));
    }

    [Fact]
    public void OversizedFrameIsRejectedAndDiscarded()
    {
        using var fw = new FrameWriter();
        fw.WriteFrame(new RequestHeader(1, OpCode.Ping));
        int kept = fw.WrittenCount;

        var tooBig = new GetChildrenResponse(Enumerable.Range(0, 80_000).Select(i => $"child-{i:D7}").ToList());
        var ex = Assert.Throws<FrameTooLargeException>(() => fw.WriteFrame(tooBig));
        Assert.True(ex.Length > Frame.MaxFrameLength);
        Assert.Equal(kept, fw.WrittenCount);
        Assert.False(fw.InFrame);

        fw.BeginFrame();
        var w = new JuteWriter(fw);
        tooBig.Write(ref w);
        Assert.False(fw.TryFinishFrame(out int length));
        Assert.Equal(ex.Length, length);
        Assert.Equal(kept, fw.WrittenCount);
    }

    [Fact]
    public void FrameWriterGuardsItsState()
    {
        using var fw = new FrameWriter();
        Assert.Throws<InvalidOperationException>(() => fw.FinishFrame());
        fw.BeginFrame();
        Assert.Throws<InvalidOperationException>(() => fw.BeginFrame());
        fw.CancelFrame();
        Assert.Equal(0, fw.WrittenCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => fw.Advance(-1));
    }

    [Fact]
    public void SteadyStateFrameEncodingDoesNotAllocate()
    {
        using var fw = new FrameWriter();
        var header = new ReplyHeader(5, 9, ErrorCode.Ok);
        var body = new ExistsResponse(SampleStat);
        fw.WriteFrame(header, body);
        fw.Reset();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            fw.WriteFrame(header, body);
            fw.Reset();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
