namespace Corral.Zab.Tests.Checkers;

/// <summary>A sequential specification: a deterministic step from a state, checked against the observed output.</summary>
public interface ILinearizabilityModel<TState, TInput, TOutput> where TState : notnull
{
    TState Init { get; }
    /// <summary>Applies the input; returns false if <paramref name="output"/> is not what the spec produces. A null output (outcome unknown) always matches.</summary>
    bool Step(TState state, TInput input, TOutput? output, out TState next);
}

/// <summary>One client operation: invoked at <see cref="Call"/>, answered at <see cref="Return"/>; a null return means the outcome is unknown.</summary>
public sealed record Operation<TInput, TOutput>(int ClientId, TInput Input, long Call, TOutput? Output, long? Return);

public enum LinearizabilityVerdict { Ok, Illegal, Inconclusive }

/// <summary>
/// Porcupine's checker: Wing and Gong's backtracking search over call/return events, memoised on
/// (set of linearized operations, model state) as in Lowe's refinement. Operations whose outcome is
/// unknown never return, so they may take effect at any point after their call, or not observably at all.
/// </summary>
public static class LinearizabilityChecker
{
    private sealed class Entry
    {
        public required bool IsCall;
        public required int Id;
        public required long Time;
        public Entry? Match;
        public Entry? Prev, Next;
    }

    public static LinearizabilityVerdict Check<TState, TInput, TOutput>(
        ILinearizabilityModel<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> ops, long maxSteps = 5_000_000)
        where TState : notnull
    {
        if (ops.Count == 0) return LinearizabilityVerdict.Ok;
        var head = BuildList(ops);
        var linearized = new BitSet(ops.Count);
        var cache = new HashSet<(BitSet, TState)>();
        var stack = new Stack<(Entry Call, TState State)>();
        var state = model.Init;
        var entry = head.Next!;
        long steps = 0;

        while (head.Next is not null)
        {
            if (++steps > maxSteps) return LinearizabilityVerdict.Inconclusive;
            if (entry.IsCall)
            {
                var op = ops[entry.Id];
                if (model.Step(state, op.Input, op.Output, out var next))
                {
                    var candidate = linearized.With(entry.Id);
                    if (cache.Add((candidate, next)))
                    {
                        stack.Push((entry, state));
                        state = next;
                        linearized = candidate;
                        Lift(entry);
                        entry = head.Next!;
                        if (entry is null) break;
                        continue;
                    }
                }
                entry = entry.Next!;
            }
            else
            {
                // A return whose call cannot be linearized here: backtrack.
                if (stack.Count == 0) return LinearizabilityVerdict.Illegal;
                var (call, prevState) = stack.Pop();
                state = prevState;
                linearized = linearized.Without(call.Id);
                Unlift(call);
                entry = call.Next!;
            }
        }
        return LinearizabilityVerdict.Ok;
    }

    private static Entry BuildList<TInput, TOutput>(IReadOnlyList<Operation<TInput, TOutput>> ops)
    {
        var events = new List<Entry>(ops.Count * 2);
        for (var i = 0; i < ops.Count; i++)
        {
            var call = new Entry { IsCall = true, Id = i, Time = ops[i].Call };
            var ret = new Entry { IsCall = false, Id = i, Time = ops[i].Return ?? long.MaxValue };
            call.Match = ret;
            events.Add(call);
            events.Add(ret);
        }
        // At equal times calls come first: the operations are then treated as concurrent, the conservative reading.
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : (a.IsCall == b.IsCall ? a.Id.CompareTo(b.Id) : a.IsCall ? -1 : 1));
        var head = new Entry { IsCall = false, Id = -1, Time = long.MinValue };
        var prev = head;
        foreach (var e in events)
        {
            prev.Next = e;
            e.Prev = prev;
            prev = e;
        }
        return head;
    }

    private static void Lift(Entry call)
    {
        call.Prev!.Next = call.Next;
        call.Next!.Prev = call.Prev;
        var ret = call.Match!;
        ret.Prev!.Next = ret.Next;
        if (ret.Next is not null) ret.Next.Prev = ret.Prev;
    }

    private static void Unlift(Entry call)
    {
        var ret = call.Match!;
        ret.Prev!.Next = ret;
        if (ret.Next is not null) ret.Next.Prev = ret;
        call.Prev!.Next = call;
        call.Next!.Prev = call;
    }

    /// <summary>An immutable bit set with value equality, used as the memo key.</summary>
    private sealed class BitSet : IEquatable<BitSet>
    {
        private readonly ulong[] _bits;
        private readonly int _hash;

        public BitSet(int size) : this(new ulong[(size + 63) / 64]) { }

        private BitSet(ulong[] bits)
        {
            _bits = bits;
            var h = new HashCode();
            foreach (var b in bits) h.Add(b);
            _hash = h.ToHashCode();
        }

        public BitSet With(int i)
        {
            var b = (ulong[])_bits.Clone();
            b[i >> 6] |= 1UL << (i & 63);
            return new BitSet(b);
        }

        public BitSet Without(int i)
        {
            var b = (ulong[])_bits.Clone();
            b[i >> 6] &= ~(1UL << (i & 63));
            return new BitSet(b);
        }

        public bool Equals(BitSet? other) => other is not null && _hash == other._hash && _bits.AsSpan().SequenceEqual(other._bits);
        public override bool Equals(object? obj) => Equals(obj as BitSet);
        public override int GetHashCode() => _hash;
    }
}
