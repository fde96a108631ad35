namespace Corral.Server.Network;

/// <summary>The few settings the connection handler needs, resolved once at start-up.</summary>
public sealed record ServerRuntimeSettings(
    int MaxClientCnxns,
    long MaxUnsentBytesPerConnection,
    long MaxQueuedInputBytesPerConnection,
    int MaxQueuedRequestsPerConnection);
