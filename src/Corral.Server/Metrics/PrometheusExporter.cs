using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Corral.Server.Metrics;

/// <summary>
/// Collects the server's System.Diagnostics.Metrics instruments (its own <see cref="CorralMetrics"/>
/// meter and the shared "Corral.Storage" meter) with a MeterListener and renders them in the
/// Prometheus text exposition format 0.0.4: counters as <c>_total</c>, histograms as cumulative
/// <c>_bucket{le=..}</c>/<c>_sum</c>/<c>_count</c>, observable gauges as their latest value.
/// Thread-safe: measurements arrive from any thread.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>Histogram bucket bounds in seconds: 100 µs to 10 s.</summary>
    public static readonly double[] Buckets = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly object _lock = new();
    private readonly Dictionary<Instrument, Series> _series = [];

    public PrometheusExporter(Meter serverMeter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, serverMeter) || instrument.Meter.Name == Corral.Storage.StorageMetrics.MeterName)
            {
                lock (_lock) _series.TryAdd(instrument, new Series());
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Runs for every measurement (several per request): no allocation once a label set has been seen.</summary>
    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Series? series;
        lock (_lock) _series.TryGetValue(instrument, out series);
        if (series is null) return;
        // One tag with a string value (op="create2") keys by the value itself; anything else by its rendered labels.
        string key = tags.Length == 0 ? "" : tags.Length == 1 && tags[0].Value is string v ? v : "\u0001" + Labels(tags);
        lock (series)
        {
            if (!series.ByLabels.TryGetValue(key, out var point)) series.ByLabels[key] = point = new Point(Labels(tags));
            switch (instrument)
            {
                case Histogram<double>:
                    point.Count++;
                    point.Sum += value;
                    for (int b = 0; b < Buckets.Length; b++)
                        if (value <= Buckets[b]) point.BucketCounts[b]++;
                    break;
                // Observable instruments report their current (for counters: cumulative) value at each scrape.
                case ObservableGauge<long> or ObservableGauge<int> or ObservableGauge<double> or ObservableCounter<long>:
                    point.Sum = value;
                    break;
                default:
                    point.Sum += value;
                    break;
            }
        }
    }

    /// <summary>The whole exposition; observable gauges are sampled now.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var sb = new StringBuilder();
        List<KeyValuePair<Instrument, Series>> all;
        lock (_lock) all = _series.OrderBy(s => s.Key.Name, StringComparer.Ordinal).ToList();
        foreach (var (instrument, series) in all)
        {
            lock (series)
            {
                string name = MetricName(instrument);
                string type = instrument switch
                {
                    Histogram<double> => "histogram",
                    Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> => "counter",
                    _ => "gauge",
                };
                sb.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(instrument.Description ?? instrument.Name)).Append('\n');
                sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
                if (series.ByLabels.Count == 0 && type != "histogram")
                {
                    sb.Append(name).Append(" 0\n");
                    continue;
                }
                foreach (var point in series.ByLabels.Values.OrderBy(p => p.Labels, StringComparer.Ordinal))
                {
                    string labels = point.Labels;
                    if (type != "histogram")
                    {
                        sb.Append(name).Append(Braces(labels)).Append(' ').Append(Number(point.Sum)).Append('\n');
                        continue;
                    }
                    for (int b = 0; b < Buckets.Length; b++)
                        sb.Append(name).Append("_bucket").Append(Braces(Join(labels, $"le=\"{Number(Buckets[b])}\"")))
                          .Append(' ').Append(point.BucketCounts[b]).Append('\n');
                    sb.Append(name).Append("_bucket").Append(Braces(Join(labels, "le=\"+Inf\""))).Append(' ').Append(point.Count).Append('\n');
                    sb.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(point.Sum)).Append('\n');
                    sb.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(point.Count).Append('\n');
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>"corral.request.duration" in seconds becomes corral_request_duration_seconds; counters end in _total.</summary>
    public static string MetricName(Instrument instrument)
    {
        var sb = new StringBuilder();
        foreach (char c in instrument.Name) sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        string unit = instrument.Unit switch { "s" => "_seconds", "By" => "_bytes", _ => "" };
        if (unit.Length > 0 && !sb.ToString().EndsWith(unit, StringComparison.Ordinal)) sb.Append(unit);
        if (instrument is Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long>) sb.Append("_total");
        return sb.ToString();
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var name = new string(key.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
            parts.Add($"{name}=\"{EscapeLabel(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")}\"");
        }
        parts.Sort(StringComparer.Ordinal);
        return string.Join(",", parts);
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;
    private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";
    private static string EscapeLabel(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
    private static string EscapeHelp(string s) => s.Replace("\\", "\\\\").Replace("\n", "\\n");
    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();

    private sealed class Series
    {
        public readonly Dictionary<string, Point> ByLabels = new(StringComparer.Ordinal);
    }

    private sealed class Point(string labels)
    {
        public readonly string Labels = labels;
        public double Sum;
        public long Count;
        public readonly long[] BucketCounts = new long[Buckets.Length];
    }
}
