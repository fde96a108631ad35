namespace Corral.Server.Configuration;

/// <summary>
/// One <c>server.N=host:quorumPort:electionPort[:role][;[clientAddress:]clientPort]</c> line.
/// Parsed and validated now so ensemble configs load; the quorum transport that uses it comes later.
/// </summary>
public sealed record QuorumServerSpec(
    long Id,
    string Host,
    int QuorumPort,
    int ElectionPort,
    string Role,
    string? ClientAddress,
    int? ClientPort);
