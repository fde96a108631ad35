using Corral.Protocol;

namespace Corral.Core.Tree;

/// <summary>
/// Interns ACL lists, as ZooKeeper's ReferenceCountedACLCache does: nodes store an index, and
/// identical lists (the overwhelming case) are stored once. Entries are reference counted and their
/// slots reused once no node points at them.
/// </summary>
public sealed class AclCache
{
    private readonly List<Acl[]?> _lists = [];
    private readonly List<int> _refCounts = [];
    private readonly Stack<int> _free = new();
    private readonly Dictionary<Acl[], int> _index = new(AclListComparer.Instance);

    public int Count => _index.Count;

    public IReadOnlyList<Acl> Get(int index) => _lists[index]!;

    /// <summary>Returns the index for this list, adding a reference.</summary>
    public int AddRef(IReadOnlyList<Acl> acl)
    {
        var key = acl as Acl[] ?? [.. acl];
        if (_index.TryGetValue(key, out int idx))
        {
            _refCounts[idx]++;
            return idx;
        }
        if (_free.TryPop(out idx))
        {
            _lists[idx] = key;
            _refCounts[idx] = 1;
        }
        else
        {
            idx = _lists.Count;
            _lists.Add(key);
            _refCounts.Add(1);
        }
        _index[key] = idx;
        return idx;
    }

    /// <summary>Adds a reference to an index already held (by the caller), without hashing the list again.</summary>
    public void AddRef(int index)
    {
        if (_lists[index] is null) throw new ArgumentException($"ACL index {index} is not in use", nameof(index));
        _refCounts[index]++;
    }

    public void Release(int index)
    {
        if (--_refCounts[index] > 0) return;
        _index.Remove(_lists[index]!);
        _lists[index] = null;
        _free.Push(index);
    }

    private sealed class AclListComparer : IEqualityComparer<Acl[]>
    {
        public static readonly AclListComparer Instance = new();
        public bool Equals(Acl[]? x, Acl[]? y) => x.AsSpan().SequenceEqual(y.AsSpan());
        public int GetHashCode(Acl[] obj)
        {
            var h = new HashCode();
            foreach (var a in obj) h.Add(a);
            return h.ToHashCode();
        }
    }
}
