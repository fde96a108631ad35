using System.Security.Cryptography;
using Corral.Protocol;

namespace Corral.Core.Server;

/// <summary>Typed settings of the server core (the zoo.cfg keys that the core itself needs).</summary>
public sealed class CoreOptions
{
    /// <summary>myid, 0..254: goes in the top byte of session ids.</summary>
    public long ServerId { get; init; } = 1;

    /// <summary>tickTime in ms: session deadlines are rounded up to multiples of it.</summary>
    public int TickTimeMs { get; init; } = 2000;

    /// <summary>minSessionTimeout; defaults to 2 x tickTime.</summary>
    public int? MinSessionTimeoutMs { get; init; }

    /// <summary>maxSessionTimeout; defaults to 20 x tickTime.</summary>
    public int? MaxSessionTimeoutMs { get; init; }

    /// <summary>zookeeper.extendedTypesEnabled: allows TTL nodes. Off by default (TTL creates get UNIMPLEMENTED).</summary>
    public bool ExtendedTypesEnabled { get; init; }

    /// <summary>zookeeper.DigestAuthenticationProvider.superDigest, e.g. "super:D/InIHSb7yEEbrWz8b9l71RjZJU=".</summary>
    public string? SuperDigest { get; init; }

    /// <summary>
    /// Registers the x509 authentication provider: TLS connections with a client certificate get the
    /// identity x509:&lt;subject DN, RFC 2253&gt;, and x509 ACL ids become valid (INVALIDACL otherwise).
    /// </summary>
    public bool X509Enabled { get; init; }

    /// <summary>zookeeper.X509AuthenticationProvider.superUser: a certificate subject that also gets super.</summary>
    public string? X509SuperUser { get; init; }

    /// <summary>znode.container.checkIntervalMs: how often the container/TTL reaper runs.</summary>
    public int ContainerCheckIntervalMs { get; init; } = 60_000;

    /// <summary>
    /// zookeeper.enforceQuota: a create or setData that would take a subtree over a hard quota
    /// (countHardLimit / byteHardLimit) fails with QUOTAEXCEEDED. Off by default, as in ZooKeeper.
    /// </summary>
    public bool EnforceQuota { get; init; }

    /// <summary>Receives "Quota exceeded: ..." reports (soft overruns and refused writes); the host logs them.</summary>
    public Action<string>? QuotaWarning { get; init; }

    /// <summary>Largest data a node may hold (jute.maxbuffer).</summary>
    public int MaxDataBytes { get; init; } = JuteReader.MaxBuffer;

    /// <summary>Fills session passwords. Defaults to the OS CSPRNG; tests and the simulator inject a seeded one.</summary>
    public Action<Span<byte>> RandomFill { get; init; } = RandomNumberGenerator.Fill;

    public int EffectiveMinSessionTimeoutMs => MinSessionTimeoutMs ?? 2 * TickTimeMs;
    public int EffectiveMaxSessionTimeoutMs => MaxSessionTimeoutMs ?? 20 * TickTimeMs;
}
