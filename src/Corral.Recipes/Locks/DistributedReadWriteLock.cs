using Corral.Client;

namespace Corral.Recipes.Locks;

/// <summary>
/// A read/write lock (ZooKeeper's shared-lock recipe; Curator's InterProcessReadWriteLock): readers
/// and writers queue as "read-" and "write-" sequential nodes in one directory. A writer holds the
/// lock when it is first; a reader holds it when no writer is queued ahead of it, and otherwise
/// watches only the nearest writer ahead. Writers are not starved: a reader arriving after a
/// queued writer waits for it. Each of <see cref="ReadLock"/> and <see cref="WriteLock"/> has the
/// guarantees of <see cref="DistributedLock"/>.
/// </summary>
public sealed class DistributedReadWriteLock(CorralClient client, string path)
{
    internal const string ReadPrefix = "read-";
    internal const string WritePrefix = "write-";

    public DistributedLock ReadLock { get; } = new(client, path, ReadPrefix, LockRules.Shared, null);
    public DistributedLock WriteLock { get; } = new(client, path, WritePrefix, LockRules.Exclusive, null);
}
