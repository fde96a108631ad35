namespace Corral.Recipes.Locks;

/// <summary>
/// Decides, from the lock directory's participants in sequence order, whether the participant at
/// <c>index</c> holds the lock and, if not, which single node it must watch. Watching one
/// predecessor (never the directory) is what avoids the herd effect.
/// </summary>
internal delegate (bool Acquired, string? Watch) LockRule(IReadOnlyList<string> sorted, int index);

internal static class LockRules
{
    /// <summary>Exclusive: the first participant holds it; everyone else watches the one just before them.</summary>
    public static readonly LockRule Exclusive = (sorted, index) =>
        index == 0 ? (true, null) : (false, sorted[index - 1]);

    /// <summary>Shared (a read lock): held unless a writer is queued before it; then watch the nearest such writer.</summary>
    public static readonly LockRule Shared = (sorted, index) =>
    {
        for (int i = index - 1; i >= 0; i--)
            if (SequentialNode.BaseName(sorted[i]).StartsWith(DistributedReadWriteLock.WritePrefix, StringComparison.Ordinal))
                return (false, sorted[i]);
        return (true, null);
    };
}
