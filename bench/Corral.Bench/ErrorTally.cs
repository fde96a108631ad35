using Corral.Protocol;

namespace Corral.Bench;

/// <summary>
/// Counts failures by what went wrong ("getData: NoNode", "getData: corrupt data", "connection: ...").
/// One tally per session, merged at the end; <see cref="Total"/> may be read by another thread
/// for live progress.
/// </summary>
public sealed class ErrorTally
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _total;

    public long Total => Volatile.Read(ref _total);

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public void Add(string category, long count = 1)
    {
        lock (_counts)
        {
            _counts[category] = _counts.GetValueOrDefault(category) + count;
        }
        Interlocked.Add(ref _total, count);
    }

    public void Add(OperationKind kind, ErrorCode err) => Add($"{OperationNames.Of(kind)}: {ErrorName(err)}");

    public void Add(OperationKind kind, string problem) => Add($"{OperationNames.Of(kind)}: {problem}");

    public void AddAll(ErrorTally other)
    {
        KeyValuePair<string, long>[] items;
        lock (other._counts) items = other._counts.ToArray();
        foreach (var (category, count) in items) Add(category, count);
    }

    public static string ErrorName(ErrorCode err) =>
        Enum.IsDefined(err) ? err.ToString() : $"error {(int)err}";
}
