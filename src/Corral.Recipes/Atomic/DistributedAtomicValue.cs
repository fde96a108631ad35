using System.Buffers.Binary;
using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Atomic;

/// <summary>
/// A value stored in one node (the node's data is the value, as in Curator) and changed only by
/// version-checked compare-and-set, retried in a loop (Curator's DistributedAtomicValue).
/// <para>Exactly once across connection loss: each write is a transaction that sets the data and
/// creates an ephemeral marker child "u-&lt;attempt id&gt;". When the reply is lost, the writer looks
/// for its markers (after reading the node, so a late-arriving attempt is either visible or can no
/// longer apply: every attempt is conditional on a version). Markers are deleted once seen, and
/// vanish with the session otherwise. If the session expires the outcome is reported as
/// <see cref="SessionExpiredException"/>.</para>
/// </summary>
public sealed class DistributedAtomicValue
{
    private const string MarkerPrefix = "u-";
    private readonly CorralClient _client;

    public DistributedAtomicValue(CorralClient client, string path)
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        _client = client;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The current value and the node version it was read at; null value (version -1) when the node does not exist.</summary>
    public async Task<(byte[]? Value, int Version)> GetAsync(CancellationToken ct = default)
    {
        var read = await ReadAsync(ct).ConfigureAwait(false);
        return read is { } r ? (r.Data ?? [], r.Stat.Version) : (null, -1);
    }

    /// <summary>Sets the value only if the node is still at <paramref name="expectedVersion"/> (-1: only if it does not exist).</summary>
    public async Task<bool> TrySetAsync(int expectedVersion, byte[] value, CancellationToken ct = default)
    {
        var unknown = new List<Guid>();
        while (true)
        {
            var current = await ReadAsync(ct).ConfigureAwait(false);
            if (await FindAppliedAsync(unknown, ct).ConfigureAwait(false) is not null) return true;
            if ((current?.Stat.Version ?? -1) != expectedVersion) return false;
            var id = Guid.NewGuid();
            var outcome = await TryWriteAsync(current, id, value, ct).ConfigureAwait(false);
            if (outcome == true) return true;
            if (outcome is null) unknown.Add(id);
        }
    }

    /// <summary>Applies <paramref name="update"/> (old value, or null when the node does not exist) atomically; returns the new value.</summary>
    public async Task<byte[]> UpdateAsync(Func<byte[]?, byte[]> update, CancellationToken ct = default)
    {
        var unknown = new Dictionary<Guid, byte[]>();
        while (true)
        {
            // Read first, then look for earlier attempts: one that is not there now can only still
            // apply if the node is at its version, and then the write below fails instead.
            var current = await ReadAsync(ct).ConfigureAwait(false);
            if (await FindAppliedAsync(unknown.Keys, ct).ConfigureAwait(false) is { } applied) return unknown[applied];
            var id = Guid.NewGuid();
            byte[] next = update(current?.Data ?? (current is null ? null : []));
            var outcome = await TryWriteAsync(current, id, next, ct).ConfigureAwait(false);
            if (outcome == true) return next;
            if (outcome is null) unknown[id] = next;
        }
    }

    private string MarkerOf(Guid id) => PathUtils.Combine(Path, MarkerPrefix + id.ToString("N"));

    /// <summary>The attempt among <paramref name="ids"/> that was applied (its marker exists), after deleting that marker.</summary>
    private async Task<Guid?> FindAppliedAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        foreach (var id in ids.ToList())
        {
            if (await Resilient.RunAsync(() => _client.ExistsAsync(MarkerOf(id), ct), ct).ConfigureAwait(false) is null) continue;
            await Resilient.DeleteIfExistsAsync(_client, MarkerOf(id), ct).ConfigureAwait(false);
            return id;
        }
        return null;
    }

    /// <summary>true: written; false: someone else changed the node first; null: unknown (connection lost).</summary>
    private async Task<bool?> TryWriteAsync(NodeData? current, Guid id, byte[] value, CancellationToken ct)
    {
        var tx = _client.Transaction();
        if (current is { } c) tx.SetData(Path, value, c.Stat.Version);
        else tx.Create(Path, value);
        tx.Create(MarkerOf(id), [], CreateMode.Ephemeral);
        try
        {
            if (current is null) await Resilient.EnsurePathAsync(_client, PathUtils.ParentOf(Path)!, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code is ErrorCode.BadVersion or ErrorCode.NodeExists or ErrorCode.NoNode)
        {
            return false;
        }
        catch (Exception e) when (Resilient.IsSuspension(e))
        {
            return null;
        }
        await Resilient.DeleteIfExistsAsync(_client, MarkerOf(id), ct).ConfigureAwait(false);
        return true;
    }

    private async Task<NodeData?> ReadAsync(CancellationToken ct)
    {
        try { return await Resilient.RunAsync(() => _client.GetDataAsync(Path, ct), ct).ConfigureAwait(false); }
        catch (NoNodeException) { return null; }
    }

    /// <summary>Encodes a long as 8 big-endian bytes (the counter's value format, as Curator's DistributedAtomicLong).</summary>
    internal static byte[] EncodeLong(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v);
        return b;
    }

    internal static long DecodeLong(byte[]? b) => b is { Length: 8 } ? BinaryPrimitives.ReadInt64BigEndian(b) : 0;
}
