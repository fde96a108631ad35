using Corral.Core.Server;

namespace Corral.Server.Processing;

/// <summary>
/// What the network host needs from the socket-free server core. Every member is called from the
/// single processing loop only (<see cref="CoreLoop"/>), so implementations need no locking.
/// The production implementation adapts Corral.Core's ServerCore; tests may supply their own.
/// </summary>
public interface IHostedCore
{
    /// <summary>Starts a connection: the core writes its frames (ConnectResponse first) to <paramref name="sink"/>.</summary>
    IHostedCoreConnection Open(IConnectionSink sink, string remoteAddress);

    /// <summary>
    /// Starts a connection that arrived over TLS; <paramref name="x509Subject"/> is the client
    /// certificate's subject (RFC 2253), null when none was presented. Cores without x509 support ignore it.
    /// </summary>
    IHostedCoreConnection Open(IConnectionSink sink, string remoteAddress, string? x509Subject) => Open(sink, remoteAddress);

    /// <summary>Advances time-driven work: session expiry, container reaping.</summary>
    void Tick();

    /// <summary>A snapshot of the figures the four-letter words report.</summary>
    CoreStatistics GetStatistics();

    /// <summary>
    /// The real core, for the diagnostic commands that list sessions, ephemerals and watches (dump,
    /// wchc, wchp, wchs, hash). Null for cores that are not a ServerCore; those commands then print
    /// empty lists. A wrapping core should pass its inner core's value through.
    /// </summary>
    Corral.Core.Server.ServerCore? Inspect => null;
}

/// <summary>One client connection as the core sees it.</summary>
public interface IHostedCoreConnection
{
    /// <summary>One whole frame payload, without its 4-byte length prefix. The first is the ConnectRequest.</summary>
    void Receive(ReadOnlySpan<byte> payload);

    /// <summary>The socket is gone (client hung up, bad input, or the core asked to close). Called once.</summary>
    void Disconnected();

    /// <summary>The connection's identities as "scheme:id" joined by commas (the audit log's user field).</summary>
    string Identities => "";
}

/// <summary>Core-side figures for srvr/stat/mntr.</summary>
public sealed record CoreStatistics(
    long LastProcessedZxid,
    long NodeCount,
    long EphemeralCount,
    long WatchCount,
    long SessionCount,
    long? ApproximateDataSize = null,
    string ServerState = "standalone");
