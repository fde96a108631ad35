using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Configuration;

/// <summary>
/// Configuration with the ZooKeeper paper's ready-node pattern. Entries are the children of
/// <c>path/entries</c> (node name = key, data = UTF-8 value); <c>path/ready</c> exists whenever a
/// complete configuration is in place.
/// <para>The writer (<see cref="PublishAsync"/>) deletes "ready", changes the entries, then
/// re-creates "ready". A reader sets an exists-watch on "ready", reads all entries, and accepts
/// what it read only if that watch has not fired: ZooKeeper delivers a watch event before any
/// reply that reflects the change, so if the writer deleted "ready" before any of the reader's
/// reads saw a partial update, the reader knows before it acts and starts again. Readers therefore
/// never act on a partial configuration.</para>
/// <para>Writers must be serialized (as in the paper, only the leader writes: e.g. publish under a
/// <see cref="Locks.DistributedLock"/> or from a <see cref="Leader.LeaderLatch"/> leader). Connection
/// loss is waited out; a session expiry ends <see cref="WatchAsync"/> with <see cref="SessionExpiredException"/>.</para>
/// </summary>
public sealed class ConfigurationStore
{
    private readonly CorralClient _client;
    private readonly string _entries;
    private readonly string _ready;

    public ConfigurationStore(CorralClient client, string path)
    {
        if (PathUtils.Validate(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        _client = client;
        Path = path;
        _entries = PathUtils.Combine(path, "entries");
        _ready = PathUtils.Combine(path, "ready");
    }

    public string Path { get; }

    /// <summary>Replaces the whole configuration with <paramref name="values"/> (keys must be valid node names).</summary>
    public async Task PublishAsync(IReadOnlyDictionary<string, string> values, CancellationToken ct = default)
    {
        foreach (var key in values.Keys)
            if (key.Length == 0 || key.Contains('/') || key is "." or ".." || PathUtils.Validate("/" + key) is not null)
                throw new ArgumentException($"\"{key}\" cannot be a configuration key (it must be a valid node name)", nameof(values));
        await Resilient.EnsurePathAsync(_client, _entries, ct).ConfigureAwait(false);
        // 1. Readers must stop trusting what they read from here on.
        await Resilient.DeleteIfExistsAsync(_client, _ready, ct).ConfigureAwait(false);
        // 2. Change the entries (idempotent steps, so a connection loss is simply retried).
        var existing = (await Resilient.RunAsync(() => _client.GetChildrenAsync(_entries, ct), ct).ConfigureAwait(false)).Children;
        foreach (var stale in existing.Where(k => !values.ContainsKey(k)))
            await Resilient.DeleteIfExistsAsync(_client, PathUtils.Combine(_entries, stale), ct).ConfigureAwait(false);
        foreach (var (key, value) in values)
        {
            string node = PathUtils.Combine(_entries, key);
            byte[] data = Encoding.UTF8.GetBytes(value);
            await Resilient.RunAsync(async () =>
            {
                try { await _client.SetDataAsync(node, data, -1, ct).ConfigureAwait(false); }
                catch (NoNodeException) { await _client.CreateAsync(node, data, CreateMode.Persistent, null, null, ct).ConfigureAwait(false); }
            }, ct).ConfigureAwait(false);
        }
        // 3. The configuration is complete again.
        await Resilient.RunAsync(async () =>
        {
            try { await _client.CreateAsync(_ready, [], CreateMode.Persistent, null, null, ct).ConfigureAwait(false); }
            catch (NodeExistsException) { }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The current complete configuration, waiting for one to be published if none is.</summary>
    public async Task<ConfigurationVersion> GetAsync(CancellationToken ct = default)
    {
        await foreach (var v in WatchAsync(ct).ConfigureAwait(false)) return v;
        throw new InvalidOperationException("the configuration stream ended");
    }

    /// <summary>Every complete configuration from now on: the current one (once ready), then each new publication.</summary>
    public async IAsyncEnumerable<ConfigurationVersion> WatchAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        long lastGeneration = -1;
        while (true)
        {
            var ready = await Resilient.RunAsync(() => _client.ExistsWatchAsync(_ready, ct), ct).ConfigureAwait(false);
            if (ready.Value is { } readyStat)
            {
                var values = await ReadEntriesAsync(ct).ConfigureAwait(false);
                // Only if "ready" is still there (its watch has not fired) did we read one whole configuration.
                if (!ready.Changed.IsCompleted && values is not null && readyStat.Czxid != lastGeneration)
                {
                    lastGeneration = readyStat.Czxid;
                    yield return new ConfigurationVersion(readyStat.Czxid, values);
                }
            }
            await ready.Changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>All entries, or null if an entry vanished while we read (a publication is under way).</summary>
    private async Task<ImmutableSortedDictionary<string, string>?> ReadEntriesAsync(CancellationToken ct)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        NodeChildren keys;
        try { keys = await Resilient.RunAsync(() => _client.GetChildrenAsync(_entries, ct), ct).ConfigureAwait(false); }
        catch (NoNodeException) { return builder.ToImmutable(); }
        foreach (var key in keys.Children)
        {
            try
            {
                var data = await Resilient.RunAsync(() => _client.GetDataAsync(PathUtils.Combine(_entries, key), ct), ct).ConfigureAwait(false);
                builder[key] = data.DataAsString;
            }
            catch (NoNodeException)
            {
                return null;
            }
        }
        return builder.ToImmutable();
    }
}
