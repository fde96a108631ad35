using Corral.Core.Server;

namespace Corral.Core.Tests.Support;

/// <summary>A core on a manual clock with deterministic passwords.</summary>
public sealed class Harness
{
    public ManualTimeProvider Time { get; } = new();
    public ServerCore Core { get; }

    public Harness(CoreOptions? options = null, ITxnCommitter? committer = null)
    {
        var seeded = new Random(42);
        options ??= new CoreOptions();
        options = new CoreOptions
        {
            ServerId = options.ServerId,
            TickTimeMs = options.TickTimeMs,
            MinSessionTimeoutMs = options.MinSessionTimeoutMs,
            MaxSessionTimeoutMs = options.MaxSessionTimeoutMs,
            ExtendedTypesEnabled = options.ExtendedTypesEnabled,
            SuperDigest = options.SuperDigest,
            X509Enabled = options.X509Enabled,
            X509SuperUser = options.X509SuperUser,
            ContainerCheckIntervalMs = options.ContainerCheckIntervalMs,
            MaxDataBytes = options.MaxDataBytes,
            EnforceQuota = options.EnforceQuota,
            QuotaWarning = options.QuotaWarning,
            RandomFill = span => seeded.NextBytes(span),
        };
        Core = new ServerCore(options, Time, committer);
    }

    /// <summary>A connected client with a fresh session.</summary>
    public TestClient Connect(int timeout = 30000, string remote = "127.0.0.1", string? x509Subject = null)
    {
        var client = new TestClient(Core, remote, x509Subject);
        Assert.NotNull(client.Handshake(timeout));
        return client;
    }
}

/// <summary>A committer that holds every proposal until the test commits it.</summary>
public sealed class DeferredCommitter : ITxnCommitter
{
    public List<(long Zxid, byte[] Txn)> Proposed { get; } = [];
    public bool Propose(long zxid, ReadOnlySpan<byte> txn)
    {
        Proposed.Add((zxid, txn.ToArray()));
        return false;
    }
}
