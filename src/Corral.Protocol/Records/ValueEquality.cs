namespace Corral.Protocol;

/// <summary>
/// Content equality for the byte[] and list fields of records. C# records compare arrays and lists
/// by reference, which would make two decodings of the same bytes unequal; records with such fields
/// override Equals/GetHashCode with these helpers. Null and empty stay distinct, as on the wire.
/// </summary>
internal static class ValueEquality
{
    public static bool Bytes(byte[]? a, byte[]? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.AsSpan().SequenceEqual(b));

    public static bool List<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.Count != b.Count) return false;
        var cmp = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Count; i++)
            if (!cmp.Equals(a[i], b[i])) return false;
        return true;
    }

    public static int Hash(byte[]? a)
    {
        if (a is null) return -1;
        var h = new HashCode();
        h.AddBytes(a);
        return h.ToHashCode();
    }

    public static int Hash<T>(IReadOnlyList<T>? a)
    {
        if (a is null) return -1;
        var h = new HashCode();
        foreach (var item in a) h.Add(item);
        return h.ToHashCode();
    }
}
