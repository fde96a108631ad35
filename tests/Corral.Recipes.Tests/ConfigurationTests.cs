using Corral.Recipes.Configuration;
using Corral.Recipes.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Corral.Recipes.Tests;

/// <summary>The ready-node configuration: never partial, as a stream and as IOptionsMonitor.</summary>
public abstract class ConfigurationSuite(IZooKeeperServer server) : RecipeTestBase(server)
{
    private static Dictionary<string, string> Uniform(int version) =>
        Enumerable.Range(0, 5).ToDictionary(k => "key" + k, _ => version.ToString());

    [Fact(Timeout = 60_000)]
    public async Task Readers_never_see_a_partial_configuration()
    {
        const int versions = 15;
        var writer = new ConfigurationStore(await ConnectAsync(), P("config"));
        var proxy = NewProxy();
        var readers = new List<Task<List<ConfigurationVersion>>>();
        using var done = new CancellationTokenSource();
        for (int r = 0; r < 3; r++)
        {
            var store = new ConfigurationStore(await ConnectAsync(r == 0 ? proxy : null), P("config"));
            readers.Add(Task.Run(async () =>
            {
                var seen = new List<ConfigurationVersion>();
                try
                {
                    await foreach (var v in store.WatchAsync(done.Token))
                    {
                        seen.Add(v);
                        if (v.Values["key0"] == versions.ToString()) break;
                    }
                }
                catch (OperationCanceledException) { }
                return seen;
            }));
        }
        for (int v = 1; v <= versions; v++)
        {
            await writer.PublishAsync(Uniform(v));
            if (v % 4 == 0) proxy.CutAll();
        }
        var results = await Task.WhenAll(readers).Within(TimeSpan.FromSeconds(60));
        foreach (var seen in results)
        {
            Assert.NotEmpty(seen);
            foreach (var version in seen)
            {
                // Every key of one version carries the same number: no mix of two publications.
                Assert.Equal(5, version.Values.Count);
                Assert.Single(version.Values.Values.Distinct());
            }
            Assert.Equal(versions.ToString(), seen[^1].Values["key0"]);
            // Versions only move forward.
            for (int i = 1; i < seen.Count; i++)
            {
                Assert.True(seen[i].Generation > seen[i - 1].Generation);
                Assert.True(int.Parse(seen[i].Values["key0"]) > int.Parse(seen[i - 1].Values["key0"]));
            }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reader_waits_for_the_first_publication_and_removed_keys_disappear()
    {
        var reader = new ConfigurationStore(await ConnectAsync(), P("cfg2"));
        var first = reader.GetAsync();
        Assert.False(first.IsCompleted);
        var writer = new ConfigurationStore(await ConnectAsync(), P("cfg2"));
        await writer.PublishAsync(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        Assert.Equal(["a", "b"], (await first.Within()).Values.Keys);
        await writer.PublishAsync(new Dictionary<string, string> { ["b"] = "3" });
        await Wait.UntilAsync(async () => (await reader.GetAsync()).Values.Keys.SequenceEqual(["b"]), "a to be removed");
        await Assert.ThrowsAsync<ArgumentException>(() => writer.PublishAsync(new Dictionary<string, string> { ["bad/key"] = "x" }));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_version_stream_ends_when_the_session_expires()
    {
        var writer = new ConfigurationStore(await ConnectAsync(), P("cfgx"));
        await writer.PublishAsync(new Dictionary<string, string> { ["k"] = "v" });
        var proxy = NewProxy();
        var readerClient = await ConnectAsync(proxy, TimeSpan.FromSeconds(2));
        var stream = new ConfigurationStore(readerClient, P("cfgx")).WatchAsync().GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync().AsTask().Within());
        Assert.Equal("v", stream.Current.Values["k"]);
        var next = stream.MoveNextAsync().AsTask();
        await ExpireAsync(readerClient, proxy);
        await Assert.ThrowsAsync<Corral.Client.SessionExpiredException>(() => next).Within();
    }

    public sealed class DbOptions
    {
        public int Timeout { get; set; }
        public string Host { get; set; } = "";
    }

    [Fact(Timeout = 60_000)]
    public async Task IOptionsMonitor_sees_each_published_version()
    {
        var writer = new ConfigurationStore(await ConnectAsync(), P("opts"));
        await writer.PublishAsync(new Dictionary<string, string> { ["Db:Timeout"] = "5", ["Db:Host"] = "db1" });
        var configuration = new ConfigurationBuilder().AddZooKeeper(await ConnectAsync(), P("opts")).Build();
        var services = new ServiceCollection().Configure<DbOptions>(configuration.GetSection("Db")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        Assert.Equal((5, "db1"), (monitor.CurrentValue.Timeout, monitor.CurrentValue.Host));

        var changed = new TaskCompletionSource<DbOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(o => { if (o.Timeout == 9) changed.TrySetResult(o); });
        await writer.PublishAsync(new Dictionary<string, string> { ["Db:Timeout"] = "9", ["Db:Host"] = "db2" });
        var updated = await changed.Task.Within();
        Assert.Equal((9, "db2"), (updated.Timeout, updated.Host));
        Assert.Equal("db2", monitor.CurrentValue.Host);
        (configuration as IDisposable)?.Dispose();
    }
}

public sealed class ApacheZooKeeperConfigurationTests(FastTickZooKeeper server) : ConfigurationSuite(server), IClassFixture<FastTickZooKeeper>;
public sealed class CorralConfigurationTests(FastTickCorral server) : ConfigurationSuite(server), IClassFixture<FastTickCorral>;
