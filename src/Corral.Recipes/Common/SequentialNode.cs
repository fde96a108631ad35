namespace Corral.Recipes;

/// <summary>
/// Names of sequential nodes ("_c_&lt;guid&gt;-lock-0000000042"): recipes order them by the
/// 10-digit counter the server appended, never by the (random) protected prefix.
/// </summary>
public static class SequentialNode
{
    /// <summary>The server's sequence number at the end of a name, or -1 if there is none.</summary>
    public static long SequenceOf(string name)
    {
        if (name.Length < 10) return -1;
        return long.TryParse(name.AsSpan(name.Length - 10), System.Globalization.NumberStyles.None, null, out long seq) ? seq : -1;
    }

    /// <summary>The children whose name (after any protected prefix) starts with <paramref name="prefix"/>, in sequence order.</summary>
    public static List<string> Sorted(IEnumerable<string> children, string prefix) =>
        children.Where(c => BaseName(c).StartsWith(prefix, StringComparison.Ordinal) && SequenceOf(c) >= 0)
            .OrderBy(SequenceOf).ThenBy(c => c, StringComparer.Ordinal).ToList();

    /// <summary>The name without Curator's protected prefix "_c_&lt;36-char guid&gt;-".</summary>
    public static string BaseName(string name) =>
        name.StartsWith(Corral.Client.CorralClient.ProtectedPrefix, StringComparison.Ordinal) && name.Length > 40 && name[39] == '-'
            ? name[40..]
            : name;
}
