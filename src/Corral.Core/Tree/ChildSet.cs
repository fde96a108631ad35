using System.Collections;

namespace Corral.Core.Tree;

/// <summary>
/// The children of one znode, keyed by their UTF-8 name. Up to <see cref="DenseLimit"/> children are
/// kept in a small dense array searched linearly (most nodes have few children); beyond that the same
/// array becomes an open-addressing hash table with linear probing, so a million children cost about
/// 11 bytes each instead of a Dictionary entry plus a key string.
/// </summary>
internal sealed class ChildSet : IEnumerable<ZNode>
{
    private const int DenseLimit = 8;
    private ZNode?[] _slots = new ZNode?[2];
    private int _count;
    private bool _hashed;

    public int Count => _count;

    public ZNode? Find(ReadOnlySpan<byte> name)
    {
        int i = IndexOf(name);
        return i < 0 ? null : _slots[i];
    }

    private int IndexOf(ReadOnlySpan<byte> name)
    {
        if (!_hashed)
        {
            for (int i = 0; i < _count; i++)
                if (_slots[i]!.NameBytes.SequenceEqual(name)) return i;
            return -1;
        }
        int mask = _slots.Length - 1;
        for (int i = Hash(name) & mask; ; i = (i + 1) & mask)
        {
            var n = _slots[i];
            if (n is null) return -1;
            if (n.NameBytes.SequenceEqual(name)) return i;
        }
    }

    /// <summary>Adds a child whose name is known not to be present.</summary>
    public void Add(ZNode node)
    {
        if (!_hashed)
        {
            if (_count < DenseLimit)
            {
                if (_count == _slots.Length) Array.Resize(ref _slots, Math.Min(DenseLimit, _slots.Length * 2));
                _slots[_count++] = node;
                return;
            }
            Rehash(32);
        }
        else if ((_count + 1) * 4 > _slots.Length * 3)
        {
            Rehash(_slots.Length * 2);
        }
        Insert(_slots, node);
        _count++;
    }

    public bool Remove(ReadOnlySpan<byte> name)
    {
        if (!_hashed)
        {
            for (int i = 0; i < _count; i++)
            {
                if (!_slots[i]!.NameBytes.SequenceEqual(name)) continue;
                _slots[i] = _slots[_count - 1];
                _slots[--_count] = null;
                return true;
            }
            return false;
        }
        int mask = _slots.Length - 1;
        int hole = Hash(name) & mask;
        while (true)
        {
            var n = _slots[hole];
            if (n is null) return false;
            if (n.NameBytes.SequenceEqual(name)) break;
            hole = (hole + 1) & mask;
        }
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        _slots[hole] = null;
        for (int j = (hole + 1) & mask; _slots[j] is { } moving; j = (j + 1) & mask)
        {
            int home = Hash(moving.NameBytes) & mask;
            bool between = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (between) continue;
            _slots[hole] = moving;
            _slots[j] = null;
            hole = j;
        }
        _count--;
        return true;
    }

    /// <summary>Swaps a child object for another with the same name (a leaf upgraded to a parent).</summary>
    public void Replace(ZNode old, ZNode fresh)
    {
        int i = IndexOf(old.NameBytes);
        if (i < 0 || !ReferenceEquals(_slots[i], old)) throw new InvalidOperationException("node to replace is not a child");
        _slots[i] = fresh;
    }

    private void Rehash(int capacity)
    {
        var fresh = new ZNode?[capacity];
        foreach (var n in _slots)
            if (n is not null) Insert(fresh, n);
        _slots = fresh;
        _hashed = true;
    }

    private static void Insert(ZNode?[] slots, ZNode node)
    {
        int mask = slots.Length - 1;
        int i = Hash(node.NameBytes) & mask;
        while (slots[i] is not null) i = (i + 1) & mask;
        slots[i] = node;
    }

    private static int Hash(ReadOnlySpan<byte> name)
    {
        var h = new HashCode();
        h.AddBytes(name);
        return h.ToHashCode() & int.MaxValue;
    }

    public IEnumerator<ZNode> GetEnumerator()
    {
        foreach (var n in _slots)
            if (n is not null) yield return n;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
