using Corral.Core.Server;
using Corral.Server.Configuration;
using Corral.Server.Processing;
using Corral.Server.Storage;
using Corral.Storage;

namespace Corral.Server.Hosting;

/// <summary>Creates the core (Corral.Core's <see cref="ServerCore"/>) for a server from its options.</summary>
public static class CoreFactory
{
    /// <summary>The production core: durable in dataDir/dataLogDir, recovered from them first (<see cref="DurableCore"/>).</summary>
    public static IHostedCore Create(CorralServerOptions options, TimeProvider time) =>
        DurableCore.Open(ToCoreOptions(options), ToStorageOptions(options), time);

    /// <summary>A core that keeps nothing on disk (tests that do not need durability).</summary>
    public static IHostedCore CreateInMemory(CorralServerOptions options, TimeProvider time) =>
        new ServerCoreAdapter(new ServerCore(ToCoreOptions(options), time));

    /// <summary>The zoo.cfg keys storage interprets.</summary>
    public static StorageOptions ToStorageOptions(CorralServerOptions options) => new()
    {
        DataDir = options.DataDir,
        DataLogDir = options.DataLogDir,
        ForceSync = options.ForceSync,
        SnapCount = options.SnapCount,
        PreallocationBytes = options.PreAllocSizeKb * 1024,
        SnapSizeLimitBytes = Math.Max(0, options.SnapSizeLimitInKb) * 1024,
        MaxUnsyncedLogBytes = options.MaxUnsyncedLogBytes,
        SnapRetainCount = options.AutopurgeSnapRetainCount,
        PurgeInterval = TimeSpan.FromHours(options.AutopurgePurgeInterval),
    };

    /// <summary>The zoo.cfg keys the core itself interprets.</summary>
    public static CoreOptions ToCoreOptions(CorralServerOptions options) => new()
    {
        TickTimeMs = options.TickTime,
        MinSessionTimeoutMs = options.EffectiveMinSessionTimeout,
        MaxSessionTimeoutMs = options.EffectiveMaxSessionTimeout,
        ExtendedTypesEnabled = options.ExtendedTypesEnabled,
        EnforceQuota = options.EnforceQuota,
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

    public ServerCore? Inspect => core;

    public CoreStatistics GetStatistics()
    {
        var s = core.GetStats();
        return new CoreStatistics(s.LastProcessedZxid, s.NodeCount, s.EphemeralCount, s.WatchCount, s.SessionCount, s.ApproximateDataSize);
    }

    private sealed class Connection(CoreConnection connection) : IHostedCoreConnection
    {
        public void Receive(ReadOnlySpan<byte> payload) => connection.Receive(payload);
        public void Disconnected() => connection.Disconnected();
        public string Identities => string.Join(",", connection.Ids.Select(id => $"{id.Scheme}:{id.IdValue}"));
    }
}
