using System.Buffers;
using Corral.Core.Tree;

namespace Corral.Server.Storage;

/// <summary>
/// Moves a fuzzy snapshot from the core loop to disk. Runs on the snapshot task (off the loop):
/// it posts one <see cref="FuzzySnapshotWriter.WriteSlice"/> at a time onto the loop, where the
/// tree may be read, and writes the bytes each slice produced to the snapshot stream here. The
/// next slice is requested before the current one is written, so serialising and disk writes
/// overlap while client requests interleave with the slices on the loop.
/// Two buffers take turns (one being filled on the loop, one being written here), so a snapshot
/// allocates them once: a fresh buffer per slice grew to about 1 MB on the large-object heap each
/// time, hundreds of times per snapshot of 1M znodes, and that churn left the heap larger for good.
/// </summary>
public static class SnapshotPump
{
    /// <summary>Nodes serialised per slice: small enough that a slice delays requests by well under a millisecond.</summary>
    public const int DefaultNodesPerSlice = 2000;

    /// <param name="post">Runs an action on the core loop; false once the loop has stopped.</param>
    public static void Write(Stream output, Func<Action, bool> post, FuzzySnapshotWriter writer, int nodesPerSlice = DefaultNodesPerSlice)
    {
        ArrayBufferWriter<byte> filling = new(256 * 1024), spare = new(256 * 1024);
        var next = RequestSlice(post, writer, nodesPerSlice, filling);
        while (true)
        {
            var (bytes, done) = next.GetAwaiter().GetResult();
            // The spare buffer's bytes were written in the previous round, so the loop may refill it now.
            if (!done) next = RequestSlice(post, writer, nodesPerSlice, spare);
            output.Write(bytes.WrittenSpan);
            if (done) return;
            spare = bytes;
        }
    }

    private static Task<(ArrayBufferWriter<byte> Bytes, bool Done)> RequestSlice(Func<Action, bool> post, FuzzySnapshotWriter writer, int nodesPerSlice,
        ArrayBufferWriter<byte> bytes)
    {
        var result = new TaskCompletionSource<(ArrayBufferWriter<byte>, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = post(() =>
        {
            try
            {
                bytes.ResetWrittenCount();
                bool done = writer.WriteSlice(bytes, nodesPerSlice);
                result.SetResult((bytes, done));
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });
        if (!posted) result.SetException(new OperationCanceledException("The server stopped while a snapshot was being written."));
        return result.Task;
    }
}
