using Corral.Client;

namespace Corral.Recipes.Atomic;

/// <summary>
/// A shared 64-bit counter (Curator's DistributedAtomicLong / SharedCount) on a
/// <see cref="DistributedAtomicValue"/>: every change is a version-checked compare-and-set,
/// retried when another writer got there first, and applied exactly once across connection loss.
/// A missing node reads as 0.
/// </summary>
public sealed class SharedCounter(CorralClient client, string path)
{
    private readonly DistributedAtomicValue _value = new(client, path);

    public string Path => _value.Path;

    public async Task<long> GetAsync(CancellationToken ct = default) =>
        DistributedAtomicValue.DecodeLong((await _value.GetAsync(ct).ConfigureAwait(false)).Value);

    /// <summary>Adds <paramref name="delta"/>; returns the new value.</summary>
    public async Task<long> AddAsync(long delta, CancellationToken ct = default) =>
        DistributedAtomicValue.DecodeLong(await _value.UpdateAsync(
            old => DistributedAtomicValue.EncodeLong(DistributedAtomicValue.DecodeLong(old) + delta), ct).ConfigureAwait(false));

    public Task<long> IncrementAsync(CancellationToken ct = default) => AddAsync(1, ct);

    /// <summary>Sets <paramref name="value"/> only if the counter is <paramref name="expected"/> now.</summary>
    public async Task<bool> CompareAndSetAsync(long expected, long value, CancellationToken ct = default)
    {
        var (current, version) = await _value.GetAsync(ct).ConfigureAwait(false);
        if (DistributedAtomicValue.DecodeLong(current) != expected) return false;
        return await _value.TrySetAsync(version, DistributedAtomicValue.EncodeLong(value), ct).ConfigureAwait(false);
    }
}
