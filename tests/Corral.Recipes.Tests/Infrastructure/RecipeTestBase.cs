using System.Text;
using Corral.Client;

namespace Corral.Recipes.Tests.Infrastructure;

/// <summary>
/// What every recipe test class shares: a unique root path per test, clients that are closed (and
/// proxies stopped) when the test ends, and the root deleted afterwards.
/// </summary>
public abstract class RecipeTestBase(IZooKeeperServer server) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    protected IZooKeeperServer Server { get; } = server;
    protected string Root { get; } = "/r" + Guid.NewGuid().ToString("N")[..12];

    protected string P(string relative) => Root + "/" + relative;

    protected static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
    protected static string Text(byte[]? b) => b is null ? "<null>" : Encoding.UTF8.GetString(b);

    /// <summary>A client straight to the server (or through <paramref name="proxy"/>), closed at the end of the test.</summary>
    protected async Task<CorralClient> ConnectAsync(FaultProxy? proxy = null, TimeSpan? sessionTimeout = null)
    {
        var client = await CorralClient.ConnectAsync(proxy?.ConnectionString ?? Server.ConnectionString, new CorralClientOptions
        {
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
        }).Within();
        lock (_owned) _owned.Add(client);
        return client;
    }

    /// <summary>Closes <paramref name="disposable"/> when the test ends.</summary>
    protected void Track(IAsyncDisposable disposable)
    {
        lock (_owned) _owned.Add(disposable);
    }

    protected FaultProxy NewProxy()
    {
        var proxy = new FaultProxy(Server.Port);
        lock (_owned) _owned.Add(proxy);
        return proxy;
    }

    /// <summary>Makes a client's session expire: its proxy black-holes traffic until the client gives up.</summary>
    protected static async Task ExpireAsync(CorralClient client, FaultProxy proxy)
    {
        proxy.SetMode(FaultProxy.Mode.BlackHole);
        proxy.CutAll();
        await Wait.UntilAsync(() => Task.FromResult(client.State == ConnectionState.Expired), "the session to expire", TimeSpan.FromSeconds(30));
    }

    /// <summary>The children of a node ([] when it does not exist), via a fresh read.</summary>
    protected static async Task<List<string>> ChildrenAsync(CorralClient client, string path)
    {
        try { return [.. (await client.GetChildrenAsync(path)).Children.Order(StringComparer.Ordinal)]; }
        catch (NoNodeException) { return []; }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        List<IAsyncDisposable> owned;
        lock (_owned) owned = [.. _owned];
        foreach (var d in Enumerable.Reverse(owned))
        {
            try { await d.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15)); } catch (Exception) { /* a client that already expired */ }
        }
        await using var cleaner = await CorralClient.ConnectAsync(Server.ConnectionString).Within();
        await cleaner.DeleteRecursiveAsync(Root);
    }
}
