using System.Buffers.Binary;
using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Atomic;

/// <summary>
/// A value stored in one node and changed only by version-checked compare-and-set, retried in a
/// loop (Curator's DistributedAtomicValue). Each write also records a random update id, and the
/// node keeps the ids of its last <see cref="RememberedUpdates"/> writes: when the connection
/// breaks before a setData's reply, the writer re-reads the node and knows whether its write was
/// applied, so an update is applied exactly once even across connection loss.
/// <para>Node format: 1 byte n, n 16-byte update ids (newest first), then the value bytes.</para>
/// </summary>
public sealed class DistributedAtomicValue
{
    /// <summary>How many recent writers a node remembers for the exactly-once check.</summary>
    public const int RememberedUpdates = 8;
    private const int IdSize = 16;
    private readonly CorralClient _client;

    public DistributedAtomicValue(CorralClient client, string path)
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        _client = client;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The current value and the node version it was read at; null value when the node does not exist.</summary>
    public async Task<(byte[]? Value, int Version)> GetAsync(CancellationToken ct = default)
    {
        var read = await ReadAsync(ct).ConfigureAwait(false);
        return read is null ? (null, -1) : (read.Value.Value, read.Value.Version);
    }

    /// <summary>Sets the value only if the node is still at <paramref name="expectedVersion"/> (-1: only if it does not exist).</summary>
    public async Task<bool> TrySetAsync(int expectedVersion, byte[] value, CancellationToken ct = default)
    {
        var id = Guid.NewGuid();
        while (true)
        {
            var current = await ReadAsync(ct).ConfigureAwait(false);
            if ((current?.Version ?? -1) != expectedVersion)
            {
                // Not at the expected version: either someone else wrote, or our own earlier attempt
                // (whose reply was lost) did.
                return current is { } c && c.Ids.Contains(id);
            }
            if (await TryWriteAsync(current, id, value, ct).ConfigureAwait(false) is { } won) return won;
        }
    }

    /// <summary>Applies <paramref name="update"/> (old value, or null when the node does not exist) atomically; returns the new value.</summary>
    public async Task<byte[]> UpdateAsync(Func<byte[]?, byte[]> update, CancellationToken ct = default)
    {
        // Every write attempt of this update, by id. An attempt whose reply was lost may still be
        // applied later (its request can reach the server after our next read), but all attempts
        // are conditional on a version, so at most one of them ever applies: each read checks
        // whether one did.
        var attempts = new Dictionary<Guid, byte[]>();
        while (true)
        {
            var current = await ReadAsync(ct).ConfigureAwait(false);
            if (current is { } c)
                foreach (var (tried, value) in attempts)
                    if (c.Ids.Contains(tried)) return value;
            var id = Guid.NewGuid();
            byte[] next = update(current?.Value);
            attempts[id] = next;
            if (await TryWriteAsync(current, id, next, ct).ConfigureAwait(false) == true) return next;
            // Lost the race, or the outcome is unknown: the next read decides.
        }
    }

    /// <summary>true: written; false: someone else changed the node first; null: unknown (connection lost).</summary>
    private async Task<bool?> TryWriteAsync(Stored? current, Guid id, byte[] value, CancellationToken ct)
    {
        byte[] data = Encode(id, current?.Ids ?? [], value);
        try
        {
            if (current is { } c) await _client.SetDataAsync(Path, data, c.Version, ct).ConfigureAwait(false);
            else await _client.CreateWithParentsAsync(Path, data, CreateMode.Persistent, null, null, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is BadVersionException or NodeExistsException or NoNodeException)
        {
            return false;
        }
        catch (Exception e) when (Resilient.IsSuspension(e))
        {
            return null;
        }
    }

    private readonly record struct Stored(byte[] Value, int Version, Guid[] Ids);

    private async Task<Stored?> ReadAsync(CancellationToken ct)
    {
        try
        {
            var node = await Resilient.RunAsync(() => _client.GetDataAsync(Path, ct), ct).ConfigureAwait(false);
            var (ids, value) = Decode(node.Data ?? []);
            return new Stored(value, node.Stat.Version, ids);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    private static byte[] Encode(Guid id, Guid[] previous, byte[] value)
    {
        var ids = new[] { id }.Concat(previous).Take(RememberedUpdates).ToArray();
        var data = new byte[1 + ids.Length * IdSize + value.Length];
        data[0] = (byte)ids.Length;
        for (int i = 0; i < ids.Length; i++) ids[i].TryWriteBytes(data.AsSpan(1 + i * IdSize, IdSize));
        value.CopyTo(data, 1 + ids.Length * IdSize);
        return data;
    }

    private static (Guid[] Ids, byte[] Value) Decode(byte[] data)
    {
        // A node written by something else (no header) is read as a plain value.
        if (data.Length == 0 || data[0] > RememberedUpdates || data.Length < 1 + data[0] * IdSize) return ([], data);
        int n = data[0];
        var ids = new Guid[n];
        for (int i = 0; i < n; i++) ids[i] = new Guid(data.AsSpan(1 + i * IdSize, IdSize));
        return (ids, data[(1 + n * IdSize)..]);
    }

    /// <summary>Encodes a long as 8 big-endian bytes (the counter's value format).</summary>
    internal static byte[] EncodeLong(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v);
        return b;
    }

    internal static long DecodeLong(byte[]? b) => b is { Length: 8 } ? BinaryPrimitives.ReadInt64BigEndian(b) : 0;
}
