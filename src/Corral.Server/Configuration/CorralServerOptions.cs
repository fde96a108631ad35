namespace Corral.Server.Configuration;

/// <summary>
/// Typed server configuration: the zoo.cfg keys Corral understands, with ZooKeeper's defaults
/// (tickTime follows the sample zoo.cfg of a fresh install, 2000 ms). Built by
/// <see cref="ZooCfgParser"/> from a file and/or set directly; command-line overrides are applied
/// on top, then <see cref="Validate"/> checks the result as a whole.
/// </summary>
public sealed partial class CorralServerOptions
{
    /// <summary>Default directory for snapshots and logs when no dataDir is configured: ./data under the working directory.</summary>
    public const string DefaultDataDir = "data";

    /// <summary>
    /// Four-letter words answered on the client port by default: ZooKeeper's default, srvr only
    /// (CVE-2017-5637). Monitoring setups list what they need, e.g. "srvr,ruok,stat,mntr".
    /// </summary>
    public static readonly IReadOnlySet<string> DefaultFourLetterWordWhitelist =
        new HashSet<string>(StringComparer.Ordinal) { "srvr" };

    /// <summary>tickTime: the basic time unit in milliseconds (session timeouts are multiples of it).</summary>
    public int TickTime { get; set; } = 2000;

    /// <summary>clientPort; 0 binds a free port (useful in tests).</summary>
    public int ClientPort { get; set; } = 2181;

    /// <summary>clientPortAddress: the address the client listener binds.</summary>
    public string ClientPortAddress { get; set; } = "127.0.0.1";

    /// <summary>dataDir: where snapshots (and, without dataLogDir, the transaction log) live.</summary>
    public string DataDir { get; set; } = DefaultDataDir;

    /// <summary>dataLogDir: where the transaction log lives; null means <see cref="DataDir"/>.</summary>
    public string? DataLogDir { get; set; }

    /// <summary>maxClientCnxns: concurrent connections allowed from one IP address; 0 means unlimited.</summary>
    public int MaxClientCnxns { get; set; } = 60;

    /// <summary>minSessionTimeout in ms; -1 means 2 x tickTime.</summary>
    public int MinSessionTimeout { get; set; } = -1;

    /// <summary>maxSessionTimeout in ms; -1 means 20 x tickTime.</summary>
    public int MaxSessionTimeout { get; set; } = -1;

    /// <summary>zookeeper.extendedTypesEnabled: allows TTL nodes (and reserves the top session-id byte).</summary>
    public bool ExtendedTypesEnabled { get; set; }

    /// <summary>
    /// zookeeper.enforceQuota: writes over a hard quota (setquota -N/-B) fail with QUOTAEXCEEDED.
    /// ZooKeeper reads it as a system property; Corral also accepts it in zoo.cfg (docs/quotas.md).
    /// </summary>
    public bool EnforceQuota { get; set; }

    /// <summary>
    /// DigestAuthenticationProvider.superDigest ("super:&lt;base64 sha1&gt;"): a digest identity that
    /// bypasses ACLs. ZooKeeper reads it as a system property; Corral also accepts it in zoo.cfg.
    /// </summary>
    public string? SuperDigest { get; set; }

    /// <summary>4lw.commands.whitelist; "*" in the file allows every implemented word.</summary>
    public IReadOnlySet<string> FourLetterWordWhitelist { get; set; } = DefaultFourLetterWordWhitelist;

    /// <summary>znode.container.checkIntervalMs: how often empty containers and expired TTL nodes are reaped.</summary>
    public int ContainerCheckIntervalMs { get; set; } = 60_000;

    /// <summary>snapCount: transactions between snapshots.</summary>
    public int SnapCount { get; set; } = 100_000;

    /// <summary>autopurge.snapRetainCount: snapshots kept by the purge task (minimum 3).</summary>
    public int AutopurgeSnapRetainCount { get; set; } = 3;

    /// <summary>autopurge.purgeInterval in hours; 0 disables the purge task.</summary>
    public int AutopurgePurgeInterval { get; set; }

    /// <summary>forceSync: fsync the transaction log before acknowledging a write.</summary>
    public bool ForceSync { get; set; } = true;

    /// <summary>
    /// preAllocSize (ZooKeeper's zookeeper.preAllocSize), in KB: log segments reserve disk space in
    /// steps of this size, so most appends never change the file size. 0 disables preallocation.
    /// </summary>
    public long PreAllocSizeKb { get; set; } = 65536;

    /// <summary>
    /// snapSizeLimitInKb (ZooKeeper's zookeeper.snapSizeLimitInKb): a snapshot is also taken once the
    /// log written since the last one exceeds about this many KB (randomised like snapCount);
    /// 0 or less disables this trigger. Default 4 GiB.
    /// </summary>
    public long SnapSizeLimitInKb { get; set; } = 4L * 1024 * 1024;

    /// <summary>4lw.costlyCommandsPerSecond (Corral): cons, dump, wchc and wchp allowed per second server-wide; 0 = unlimited.</summary>
    public int CostlyCommandsPerSecond { get; set; } = 5;

    /// <summary>
    /// admin.enableServer: run the admin HTTP server (/commands, /metrics, /health). ZooKeeper's
    /// default, true, applies to a zoo.cfg (<see cref="ZooCfgParser"/>) and to <c>corral server</c>;
    /// options built in code (an embedded server, a test) start with it off, so they never bind
    /// 8080 unless asked.
    /// </summary>
    public bool AdminEnableServer { get; set; }

    /// <summary>
    /// admin.serverAddress. ZooKeeper binds 0.0.0.0; Corral binds loopback unless told otherwise,
    /// because the admin API discloses sessions and paths.
    /// </summary>
    public string AdminServerAddress { get; set; } = "127.0.0.1";

    /// <summary>admin.serverPort; 0 binds a free port (tests).</summary>
    public int AdminServerPort { get; set; } = 8080;

    /// <summary>admin.commandURL: the path prefix of the commands.</summary>
    public string AdminCommandUrl { get; set; } = "/commands";

    /// <summary>admin.authToken (Corral): bearer token that authorizes state-changing admin commands.</summary>
    public string? AdminAuthToken { get; set; }

    /// <summary>admin.trustedAddresses (Corral): client IPs or CIDR blocks allowed state-changing admin commands without a token.</summary>
    public IReadOnlyList<string> AdminTrustedAddresses { get; set; } = [];

    /// <summary>audit.enable: log every state-changing request under the "Corral.Audit" category.</summary>
    public bool AuditEnable { get; set; }

    /// <summary>initLimit, in ticks (parsed for ensemble configs, unused in standalone mode).</summary>
    public int InitLimit { get; set; } = 10;

    /// <summary>syncLimit, in ticks (parsed for ensemble configs, unused in standalone mode).</summary>
    public int SyncLimit { get; set; } = 5;

    /// <summary>server.N lines, in file order (parsed, unused until the quorum transport lands).</summary>
    public List<QuorumServerSpec> Servers { get; } = [];

    /// <summary>
    /// Keys Corral does not interpret. ZooKeeper turns unknown keys into "zookeeper."-prefixed system
    /// properties instead of failing, so we keep them (and log them) rather than reject the file.
    /// </summary>
    public Dictionary<string, string> UnrecognizedKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// globalOutstandingLimit: requests read but not yet processed beyond which Corral stops reading.
    /// ZooKeeper applies it server-wide; Corral applies it per connection, so one busy client cannot
    /// stall the others.
    /// </summary>
    public int GlobalOutstandingLimit { get; set; } = 1000;

    /// <summary>
    /// Host tuning, not a zoo.cfg key: once this many response bytes are queued and unsent on one
    /// connection, the host stops reading that connection's requests until the client catches up.
    /// </summary>
    public int MaxUnsentBytesPerConnection { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Host tuning, not a zoo.cfg key: write throttling. While more transaction-log bytes than this
    /// wait for their fsync, the server takes no new requests (docs/storage.md, "Write throttling").
    /// </summary>
    public long MaxUnsyncedLogBytes { get; set; } = 32L << 20;

    /// <summary>The negotiated-timeout floor actually in force.</summary>
    public int EffectiveMinSessionTimeout => MinSessionTimeout < 0 ? 2 * TickTime : MinSessionTimeout;

    /// <summary>The negotiated-timeout ceiling actually in force.</summary>
    public int EffectiveMaxSessionTimeout => MaxSessionTimeout < 0 ? 20 * TickTime : MaxSessionTimeout;

    /// <summary>The transaction-log directory actually in force.</summary>
    public string EffectiveDataLogDir => DataLogDir ?? DataDir;

    /// <summary>Checks cross-field rules; throws <see cref="ConfigurationException"/> naming the key and value.</summary>
    public void Validate()
    {
        if (TickTime <= 0) throw Bad("tickTime", TickTime, "must be a positive number of milliseconds");
        if (ClientPort is < 0 or > 65535) throw Bad("clientPort", ClientPort, "must be between 0 and 65535");
        if (!System.Net.IPAddress.TryParse(ClientPortAddress, out _) && ClientPortAddress != "localhost")
            throw Bad("clientPortAddress", ClientPortAddress, "is not an IP address");
        if (string.IsNullOrWhiteSpace(DataDir)) throw Bad("dataDir", DataDir, "must not be empty");
        if (MaxClientCnxns < 0) throw Bad("maxClientCnxns", MaxClientCnxns, "must be 0 (unlimited) or positive");
        if (MinSessionTimeout is < -1 or 0) throw Bad("minSessionTimeout", MinSessionTimeout, "must be positive (or -1 for 2 x tickTime)");
        if (MaxSessionTimeout is < -1 or 0) throw Bad("maxSessionTimeout", MaxSessionTimeout, "must be positive (or -1 for 20 x tickTime)");
        if (EffectiveMinSessionTimeout > EffectiveMaxSessionTimeout)
            throw new ConfigurationException(
                $"minSessionTimeout ({EffectiveMinSessionTimeout}) must not be greater than maxSessionTimeout ({EffectiveMaxSessionTimeout})");
        if (ContainerCheckIntervalMs <= 0) throw Bad("znode.container.checkIntervalMs", ContainerCheckIntervalMs, "must be positive");
        if (SnapCount < 2) throw Bad("snapCount", SnapCount, "must be at least 2");
        if (AutopurgeSnapRetainCount < 3) throw Bad("autopurge.snapRetainCount", AutopurgeSnapRetainCount, "must be at least 3");
        if (AutopurgePurgeInterval < 0) throw Bad("autopurge.purgeInterval", AutopurgePurgeInterval, "must be 0 (disabled) or a positive number of hours");
        if (PreAllocSizeKb < 0) throw Bad("preAllocSize", PreAllocSizeKb, "must be 0 (no preallocation) or a positive number of KB");
        if (PreAllocSizeKb > MaxKb) throw Bad("preAllocSize", PreAllocSizeKb, $"must be at most {MaxKb} KB");
        if (SnapSizeLimitInKb > MaxKb) throw Bad("snapSizeLimitInKb", SnapSizeLimitInKb, $"must be at most {MaxKb} KB (0 or less disables it)");
        if (AdminServerPort is < 0 or > 65535) throw Bad("admin.serverPort", AdminServerPort, "must be between 0 and 65535");
        if (!System.Net.IPAddress.TryParse(AdminServerAddress, out _) && AdminServerAddress != "localhost")
            throw Bad("admin.serverAddress", AdminServerAddress, "is not an IP address");
        if (!AdminCommandUrl.StartsWith('/')) throw Bad("admin.commandURL", AdminCommandUrl, "must start with /");
        if (CostlyCommandsPerSecond < 0) throw Bad("4lw.costlyCommandsPerSecond", CostlyCommandsPerSecond, "must be 0 (unlimited) or positive");
        if (GlobalOutstandingLimit < 1) throw Bad("globalOutstandingLimit", GlobalOutstandingLimit, "must be at least 1");
        if (MaxUnsentBytesPerConnection < 64 * 1024)
            throw Bad("MaxUnsentBytesPerConnection", MaxUnsentBytesPerConnection, "must be at least 65536");
        if (MaxUnsyncedLogBytes < 64 * 1024)
            throw Bad("MaxUnsyncedLogBytes", MaxUnsyncedLogBytes, "must be at least 65536");
        ValidateSecurity();
    }

    /// <summary>Largest KB value whose byte count still fits a long.</summary>
    private const long MaxKb = long.MaxValue / 1024;

    private static ConfigurationException Bad(string key, object value, string why) =>
        new($"{key}={value}: {why}");
}
