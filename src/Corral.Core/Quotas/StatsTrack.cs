using System.Globalization;
using System.Text;

namespace Corral.Core.Quotas;

/// <summary>
/// The text ZooKeeper keeps in a quota's zookeeper_limits and zookeeper_stats nodes, parsed and
/// formatted exactly as ZooKeeper's StatsTrack: "count=N,bytes=N" first (for parsers older than 3.5),
/// then, only if other keys exist, a spurious "=" and ";key=value" pairs sorted by key, e.g.
/// "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=5". A missing key reads as -1 (no limit).
/// </summary>
public sealed class StatsTrack
{
    public const string CountKey = "count";
    public const string BytesKey = "bytes";
    public const string CountHardLimitKey = "countHardLimit";
    public const string ByteHardLimitKey = "byteHardLimit";

    private readonly SortedDictionary<string, long> _values = new(StringComparer.Ordinal);

    public long Count { get => Get(CountKey); set => _values[CountKey] = value; }
    public long Bytes { get => Get(BytesKey); set => _values[BytesKey] = value; }
    public long CountHardLimit { get => Get(CountHardLimitKey); set => _values[CountHardLimitKey] = value; }
    public long ByteHardLimit { get => Get(ByteHardLimitKey); set => _values[ByteHardLimitKey] = value; }

    private long Get(string key) => _values.TryGetValue(key, out long v) ? v : -1;

    /// <summary>
    /// Parses "key=value" pairs separated by runs of ',' and ';'. ZooKeeper reads an empty value as -1;
    /// text it cannot parse (a client may write anything into these nodes) yields the keys read so far
    /// instead of an exception, so a bad limit node never fails a write.
    /// </summary>
    public static StatsTrack Parse(ReadOnlySpan<byte> utf8) => Parse(Encoding.UTF8.GetString(utf8));

    public static StatsTrack Parse(string? text)
    {
        var track = new StatsTrack();
        if (string.IsNullOrEmpty(text)) return track;
        foreach (var pair in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            // Java's split("=") drops trailing empty fields, so "bytes=5=" is bytes 5.
            var parts = pair.Split('=');
            string key = parts[0];
            string value = parts.Length > 1 ? parts[1] : "";
            if (value.Length == 0) track._values[key] = -1;
            else if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)) track._values[key] = v;
        }
        return track;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CountKey).Append('=').Append(Count.ToString(CultureInfo.InvariantCulture))
            .Append(',').Append(BytesKey).Append('=').Append(Bytes.ToString(CultureInfo.InvariantCulture));
        bool first = true;
        foreach (var (key, value) in _values)
        {
            if (key is CountKey or BytesKey) continue;
            if (first) text.Append('=');
            first = false;
            text.Append(';').Append(key).Append('=').Append(value.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());
}
