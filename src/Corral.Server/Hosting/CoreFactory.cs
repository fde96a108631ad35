using Corral.Core.Server;
using Corral.Server.Configuration;
using Corral.Server.Processing;

namespace Corral.Server.Hosting;

/// <summary>Creates the production core (Corral.Core's <see cref="ServerCore"/>) for a server from its options.</summary>
public static class CoreFactory
{
    public static IHostedCore Create(CorralServerOptions options, TimeProvider time) =>
        new ServerCoreAdapter(new ServerCore(ToCoreOptions(options), time));

    /// <summary>The zoo.cfg keys the core itself interprets.</summary>
    public static CoreOptions ToCoreOptions(CorralServerOptions options) => new()
    {
        TickTimeMs = options.TickTime,
        MinSessionTimeoutMs = options.EffectiveMinSessionTimeout,
        MaxSessionTimeoutMs = options.EffectiveMaxSessionTimeout,
        ExtendedTypesEnabled = options.ExtendedTypesEnabled,
        SuperDigest = options.SuperDigest,
        X509Enabled = options.SecureClientPort is not null,
        X509SuperUser = options.X509SuperUser,
        ContainerCheckIntervalMs = options.ContainerCheckIntervalMs,
    };
}

/// <summary>Presents <see cref="ServerCore"/> through the host's <see cref="IHostedCore"/> seam.</summary>
public sealed class ServerCoreAdapter(ServerCore core) : IHostedCore
{
    public ServerCore Core => core;

    public IHostedCoreConnection Open(Corral.Core.Server.IConnectionSink sink, string remoteAddress) =>
        new Connection(core.Open(sink, remoteAddress));

    public IHostedCoreConnection Open(Corral.Core.Server.IConnectionSink sink, string remoteAddress, string? x509Subject) =>
        new Connection(core.Open(sink, remoteAddress, x509Subject));

    public void Tick() => core.Tick();

    public CoreStatistics GetStatistics()
    {
        var s = core.GetStats();
        return new CoreStatistics(s.LastProcessedZxid, s.NodeCount, s.EphemeralCount, s.WatchCount, s.SessionCount, s.ApproximateDataSize);
    }

    private sealed class Connection(CoreConnection connection) : IHostedCoreConnection
    {
        public void Receive(ReadOnlySpan<byte> payload) => connection.Receive(payload);
        public void Disconnected() => connection.Disconnected();
    }
}
