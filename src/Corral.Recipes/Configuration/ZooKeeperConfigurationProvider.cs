using Corral.Client;
using Microsoft.Extensions.Configuration;

namespace Corral.Recipes.Configuration;

/// <summary>
/// Feeds a <see cref="ConfigurationStore"/> into Microsoft.Extensions.Configuration: each complete
/// version replaces the provider's data and signals a reload, so <c>IOptionsMonitor&lt;T&gt;</c>
/// bound to this configuration (services.Configure&lt;T&gt;(config)) sees every version — and never
/// a partial one. Keys use ':' for sections as usual ("Db:Timeout"). <see cref="Load"/> waits up to
/// the given timeout for the first version.
/// </summary>
public sealed class ZooKeeperConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly ConfigurationStore _store;
    private readonly TimeSpan _initialWait;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _follow;

    public ZooKeeperConfigurationProvider(ConfigurationStore store, TimeSpan initialWait)
    {
        _store = store;
        _initialWait = initialWait;
    }

    /// <summary>The generation of the version currently loaded, -1 before the first.</summary>
    public long Generation { get; private set; } = -1;

    public override void Load()
    {
        _follow ??= Task.Run(FollowAsync);
        // Configuration loading is synchronous by design; block briefly for the first version.
        _first.Task.Wait(_initialWait);
    }

    private async Task FollowAsync()
    {
        try
        {
            await foreach (var version in _store.WatchAsync(_stop.Token).ConfigureAwait(false))
            {
                Data = new Dictionary<string, string?>(version.Values.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value)), StringComparer.OrdinalIgnoreCase);
                Generation = version.Generation;
                _first.TrySetResult();
                OnReload();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SessionExpiredException or ObjectDisposedException)
        {
            // Closed or expired: the last complete version stays in effect.
        }
    }

    public void Dispose() => _stop.Cancel();
}

public sealed class ZooKeeperConfigurationSource(CorralClient client, string path, TimeSpan initialWait) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new ZooKeeperConfigurationProvider(new ConfigurationStore(client, path), initialWait);
}

public static class ZooKeeperConfigurationExtensions
{
    /// <summary>Adds the configuration published at <paramref name="path"/> (see <see cref="ConfigurationStore"/>).</summary>
    public static IConfigurationBuilder AddZooKeeper(this IConfigurationBuilder builder, CorralClient client, string path, TimeSpan? initialWait = null) =>
        builder.Add(new ZooKeeperConfigurationSource(client, path, initialWait ?? TimeSpan.FromSeconds(10)));
}
