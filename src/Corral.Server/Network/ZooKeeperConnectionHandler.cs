using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Corral.Protocol;
using Corral.Server.Commands;
using Corral.Server.Metrics;
using Corral.Server.Processing;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Corral.Server.Network;

/// <summary>
/// Kestrel's per-connection entry point for the client port. Reads with the pipe, answers a
/// four-letter word if that is what the first four bytes are, and otherwise cuts frames and posts
/// them to the processing loop. Bad input (a negative or oversized length) closes only this
/// connection, with a log line.
/// </summary>
public sealed class ZooKeeperConnectionHandler(
    CoreLoop loop,
    ConnectionRegistry registry,
    FourLetterWordResponder fourLetterWords,
    ServerRuntimeSettings settings,
    GlobalRequestLimit globalLimit,
    CorralMetrics metrics,
    AuditLog audit,
    TimeProvider time,
    ILogger<ZooKeeperConnectionHandler> log) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext context)
    {
        if (registry.Stopping) return;
        var remote = context.RemoteEndPoint as IPEndPoint;
        if (!registry.TryReserve(remote?.Address))
        {
            // ZooKeeper's wording, so operators grepping logs find it.
            log.LogWarning("Too many connections from {Address} - max is {Max}", remote?.Address, settings.MaxClientCnxns);
            return;
        }

        var tls = context.Features.Get<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>();
        var connection = new ClientConnection(registry.NextId(), remote,
            new ReadThrottle(settings.MaxUnsentBytesPerConnection, settings.MaxQueuedInputBytesPerConnection,
                settings.MaxQueuedRequestsPerConnection, globalLimit),
            loop.Statistics, time, loop.MarkDirty, metrics, audit)
        {
            IsSecure = tls is not null,
            X509Subject = tls?.ClientCertificate is { } certificate ? Security.X509SubjectName.Rfc2253(certificate) : null,
        };
        try
        {
            await ServeAsync(context, connection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException)
        {
            log.LogDebug("Connection {Remote} ended: {Reason}", connection.RemoteAddress, e.Message);
        }
        finally
        {
            registry.Remove(connection);
            registry.ReleaseReservation(remote?.Address);
        }
    }

    private async Task ServeAsync(ConnectionContext context, ClientConnection connection)
    {
        var input = context.Transport.Input;
        connection.Log = log;
        var stopRequested = false;
        connection.StopReading = () =>
        {
            Volatile.Write(ref stopRequested, true);
            input.CancelPendingRead();
            connection.Throttle.ReleaseForever(); // a reader parked on backpressure must see the stop too
        };
        registry.Add(connection);
        if (registry.Stopping) connection.StopReading();
        Task writer = connection.Output.RunAsync(context.Transport.Output, connection.StopReading);

        try
        {
            string? word = await ReadFramesAsync(input, connection, () => Volatile.Read(ref stopRequested)).ConfigureAwait(false);
            if (word is not null)
            {
                await AnswerFourLetterWordAsync(word, connection, context.Transport.Output).ConfigureAwait(false);
            }
        }
        finally
        {
            // The loop tells the core, then completes the writer once everything already queued is sent.
            loop.PostDisconnected(connection);
            await writer.ConfigureAwait(false);
        }
    }

    /// <summary>Reads until the peer closes, bad input, or the core closes us. Returns a four-letter word if the connection opened with one.</summary>
    private async Task<string?> ReadFramesAsync(PipeReader input, ClientConnection connection, Func<bool> stopRequested)
    {
        bool first = true;
        while (true)
        {
            await connection.Throttle.WaitForRoomAsync().ConfigureAwait(false);
            if (stopRequested()) return null;
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled || stopRequested()) return null;
            var buffer = result.Buffer;

            if (first && buffer.Length >= 4)
            {
                first = false;
                int head = ReadInt32BigEndian(buffer);
                if (FourLetterWords.TryGetWord(head, out string word))
                {
                    input.AdvanceTo(buffer.GetPosition(4));
                    return word;
                }
                if (head == FourLetterWords.TelnetClose)
                {
                    input.AdvanceTo(buffer.End);
                    return null;
                }
            }

            long now = time.GetTimestamp();
            bool throttled = false;
            while (true)
            {
                // Check between frames, not just between reads: one read can hold hundreds of
                // pipelined requests, each of which may produce a large reply.
                if (!connection.Throttle.HasRoom) { throttled = true; break; }
                FrameStatus status = Frame.TryReadFrame(ref buffer, out var payload, out int length);
                if (status == FrameStatus.Incomplete) break;
                if (status == FrameStatus.Invalid)
                {
                    log.LogWarning("Closing connection from {Remote}: invalid frame length {Length} (allowed 0..{Max})",
                        connection.RemoteAddress, length, Frame.MaxFrameLength);
                    input.AdvanceTo(buffer.End);
                    return null;
                }
                byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
                payload.CopyTo(copy);
                metrics.RecordReceived(length + 4);
                loop.PostFrame(connection, copy, length, now);
            }

            if (throttled)
            {
                // Nothing after the consumed frames was examined, so the next read returns it at once.
                input.AdvanceTo(buffer.Start);
                continue;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                if (buffer.Length > 0)
                    log.LogDebug("Connection {Remote} closed with {Bytes} bytes of an unfinished frame", connection.RemoteAddress, buffer.Length);
                return null;
            }
        }
    }

    private static int ReadInt32BigEndian(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(head);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(head);
    }

    private async Task AnswerFourLetterWordAsync(string word, ClientConnection connection, PipeWriter output)
    {
        connection.IsCommand = true;
        log.LogInformation("Processing {Word} command from {Remote}", word, connection.RemoteAddress);
        string text = await fourLetterWords.RespondAsync(word, connection).ConfigureAwait(false);
        await output.WriteAsync(Encoding.ASCII.GetBytes(text)).ConfigureAwait(false);
    }
}
