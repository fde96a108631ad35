using System.Collections;

namespace Corral.Core.Tree;

/// <summary>
/// The children of one znode, keyed by their UTF-8 name. Up to <see cref="DenseLimit"/> children are
/// kept in a small dense array searched linearly (most nodes have few children); beyond that the same
/// array becomes an open-addressing hash table with linear probing, so a million children cost about
/// 12 bytes each instead of a Dictionary entry plus a key string. The table grows by 1.5x (not 2x) once
/// it is 80% full, so it is on average about two-thirds full; any table length works because a hash
/// is mapped to a slot by multiply-shift rather than by masking.
/// </summary>
internal sealed class ChildSet : IEnumerable<ZNode>
{
    private const int DenseLimit = 8;
    private const int FirstTableLength = 16;
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
        for (int i = Home(name, _slots.Length); ; i = Next(i, _slots.Length))
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
            Rehash(FirstTableLength);
        }
        else if ((_count + 1) * 5 > _slots.Length * 4)
        {
            Rehash(_slots.Length + _slots.Length / 2);
        }
        Insert(_slots, node);
        _count++;
    }

    /// <summary>
    /// Adds a child unless one of that name is present (then returns false), with one probe. Used
    /// by snapshot loading, which must refuse a duplicate and would otherwise probe twice.
    /// </summary>
    public bool TryAdd(ZNode node)
    {
        if (!_hashed || (_count + 1) * 5 > _slots.Length * 4)
        {
            if (Find(node.NameBytes) is not null) return false;
            Add(node);
            return true;
        }
        var name = node.NameBytes;
        int i = Home(name, _slots.Length);
        for (; _slots[i] is { } n; i = Next(i, _slots.Length))
            if (n.NameBytes.SequenceEqual(name)) return false;
        _slots[i] = node;
        _count++;
        return true;
    }

    /// <summary>
    /// Makes room for <paramref name="count"/> children in all, so adding them rehashes at most
    /// once (snapshot loading knows a run of siblings before adding it). The table is left about
    /// two-thirds full, as growth by 1.5x leaves it on average, so the next add does not rehash.
    /// </summary>
    public void EnsureCapacity(int count)
    {
        if (count <= DenseLimit && !_hashed) return;
        long wanted = Math.Max(FirstTableLength, (long)count * 3 / 2 + 1);
        if (_hashed && count * 5L <= _slots.Length * 4L) return;
        Rehash((int)Math.Min(wanted, Array.MaxLength));
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
        int length = _slots.Length;
        int hole = Home(name, length);
        while (true)
        {
            var n = _slots[hole];
            if (n is null) return false;
            if (n.NameBytes.SequenceEqual(name)) break;
            hole = Next(hole, length);
        }
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        _slots[hole] = null;
        for (int j = Next(hole, length); _slots[j] is { } moving; j = Next(j, length))
        {
            int home = Home(moving.NameBytes, length);
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
        int i = Home(node.NameBytes, slots.Length);
        while (slots[i] is not null) i = Next(i, slots.Length);
        slots[i] = node;
    }

    /// <summary>The slot a name hashes to: the 32-bit hash scaled onto [0, length) by multiply-shift.</summary>
    private static int Home(ReadOnlySpan<byte> name, int length)
    {
        var h = new HashCode();
        h.AddBytes(name);
        return (int)(((ulong)(uint)h.ToHashCode() * (ulong)length) >> 32);
    }

    private static int Next(int i, int length) => i + 1 == length ? 0 : i + 1;

    /// <summary>A struct enumerator, so that walking the children (replies, snapshots) allocates nothing.</summary>
    public Enumerator GetEnumerator() => new(_slots);

    IEnumerator<ZNode> IEnumerable<ZNode>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator(ZNode?[] slots) : IEnumerator<ZNode>
    {
        private int _index = -1;

        public readonly ZNode Current => slots[_index]!;

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            while (++_index < slots.Length)
                if (slots[_index] is not null) return true;
            return false;
        }

        public void Reset() => _index = -1;

        public readonly void Dispose() { }
    }
}
