namespace Corral.Core.Server;

/// <summary>
/// The boundary between the socket-free server core and whatever carries bytes (the network host,
/// a test, the simulator). The core writes complete, length-prefixed frames here, in the exact order
/// the client must see them: watch notifications are written before any reply that reflects the
/// transaction that fired them.
/// </summary>
/// <remarks>
/// Called only from the core's single processing loop. Implementations must not block: they queue
/// the bytes (copying them; the span is only valid during the call) and return.
/// </remarks>
public interface IConnectionSink
{
    /// <summary>Queues one whole frame: the 4-byte big-endian length followed by the payload.</summary>
    void Send(ReadOnlySpan<byte> frame);

    /// <summary>Sends everything queued so far, then closes the connection. Idempotent.</summary>
    void Close();
}
