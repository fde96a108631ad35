using System.Diagnostics.Metrics;

namespace Corral.Storage;

/// <summary>
/// Durability timings, recorded by the storage code and exported by the server's /metrics endpoint.
/// Static because the storage classes are created far from the server host; the meter name
/// "Corral.Storage" is what the exporter subscribes to.
/// </summary>
public static class StorageMetrics
{
    public const string MeterName = "Corral.Storage";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Seconds one fsync of the transaction log took (record after each group commit's flush).</summary>
    public static readonly Histogram<double> FsyncDuration =
        Meter.CreateHistogram<double>("corral.storage.fsync.duration", "s", "Time to fsync the transaction log");

    /// <summary>Seconds one snapshot took to write and sync.</summary>
    public static readonly Histogram<double> SnapshotDuration =
        Meter.CreateHistogram<double>("corral.storage.snapshot.duration", "s", "Time to write a snapshot");
}
