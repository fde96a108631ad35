using Corral.Protocol;

namespace Corral.Core.Acls;

/// <summary>
/// The order in which ZooKeeper iterates a connection's identities. ZooKeeper keeps them in a
/// ConcurrentHashMap-backed set, so whoAmI and the "auth" ACL expansion list them in hash-bucket order,
/// not in the order they were added. Clients compare whoAmI output and getACL results literally, so
/// we reproduce that order: bucket = spread(Id.hashCode()) masked by the table size, ties in insertion order.
/// </summary>
public static class JavaIdSetOrder
{
    /// <summary>Returns <paramref name="insertionOrder"/> (distinct ids, oldest first) in Java's iteration order.</summary>
    /// <remarks>Exact for up to 12 identities (the default 16-bucket table before its first resize); a
    /// connection never holds more in practice, beyond that the table size is still chosen like Java's.</remarks>
    public static List<Id> Order(IReadOnlyList<Id> insertionOrder)
    {
        int tableSize = 16;
        while (insertionOrder.Count > tableSize - (tableSize >> 2)) tableSize <<= 1;
        var indexed = new List<(int Bucket, int Seq, Id Id)>(insertionOrder.Count);
        for (int i = 0; i < insertionOrder.Count; i++)
            indexed.Add((Spread(IdHashCode(insertionOrder[i])) & (tableSize - 1), i, insertionOrder[i]));
        indexed.Sort((a, b) => a.Bucket != b.Bucket ? a.Bucket.CompareTo(b.Bucket) : a.Seq.CompareTo(b.Seq));
        return indexed.ConvertAll(x => x.Id);
    }

    /// <summary>The jute-generated Id.hashCode(): 37 * (37 * 17 + scheme.hashCode()) + id.hashCode().</summary>
    public static int IdHashCode(Id id)
    {
        unchecked
        {
            int result = 17;
            result = 37 * result + StringHashCode(id.Scheme);
            result = 37 * result + StringHashCode(id.IdValue);
            return result;
        }
    }

    /// <summary>java.lang.String.hashCode over UTF-16 code units.</summary>
    public static int StringHashCode(string? s)
    {
        if (s is null) return 0;
        unchecked
        {
            int h = 0;
            foreach (char c in s) h = 31 * h + c;
            return h;
        }
    }

    // ConcurrentHashMap.spread: folds the high half into the low bits and clears the sign bit.
    private static int Spread(int h) => (h ^ (int)((uint)h >> 16)) & 0x7fffffff;
}
