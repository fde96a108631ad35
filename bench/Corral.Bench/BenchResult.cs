using System.Text.Json;
using System.Text.Json.Serialization;

namespace Corral.Bench;

/// <summary>Latency percentiles of one kind of operation, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencySummary From(LatencyHistogram h) => new(
        h.Count, Math.Round(h.Mean / 1000.0, 3),
        Ms(h.ValueAtPercentile(50)), Ms(h.ValueAtPercentile(90)), Ms(h.ValueAtPercentile(99)),
        Ms(h.ValueAtPercentile(99.9)), Ms(h.Count == 0 ? 0 : h.Max));

    private static double Ms(long micros) => micros / 1000.0;
}

/// <summary>The outcome of one bench run; written as JSON by --json and read by bench/compare.sh.</summary>
public sealed record BenchResult
{
    public required string Workload { get; init; }
    public required string Hosts { get; init; }
    public required int Clients { get; init; }
    public required int Window { get; init; }
    public required int Size { get; init; }
    public required int Keys { get; init; }
    public required int ReadPercent { get; init; }
    public required double WarmupSeconds { get; init; }
    public required double DurationSeconds { get; init; }
    public required DateTimeOffset StartedUtc { get; init; }

    /// <summary>Operations that completed inside the measurement window.</summary>
    public required long Operations { get; init; }
    public required double Throughput { get; init; }
    public required LatencySummary Latency { get; init; }
    public required IReadOnlyDictionary<string, LatencySummary> PerOperation { get; init; }

    public required long ErrorTotal { get; init; }
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Watch workload only: notifications each session should have received, and all received.</summary>
    public long? NotificationsExpected { get; init; }
    public long? NotificationsReceived { get; init; }

    /// <summary>CPU time (user + system) of the --server-pid processes during the measurement window.</summary>
    public double? ServerCpuSeconds { get; init; }
    public double? ServerCpuMicrosPerOp { get; init; }
    public required double ClientCpuSeconds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static BenchResult FromJson(string json) =>
        JsonSerializer.Deserialize<BenchResult>(json, JsonOptions) ?? throw new JsonException("empty bench result");

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
