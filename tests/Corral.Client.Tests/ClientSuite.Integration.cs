using System.Diagnostics.Metrics;
using Corral.Client.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Corral.Client.Tests;

/// <summary>.NET integration: DI registration with options binding, metrics, and the README example.</summary>
public abstract partial class ClientSuite
{
    [Fact]
    public async Task AddCorralClient_binds_options_from_configuration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Corral:ConnectionString"] = Server.ConnectionString,
            ["Corral:SessionTimeout"] = "00:00:08",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddCorralClient(config.GetSection("Corral"));
        await using var provider = services.BuildServiceProvider();
        var zk = provider.GetRequiredService<CorralClient>();
        Assert.Same(zk, provider.GetRequiredService<CorralClient>());
        await zk.WaitForConnectionAsync().Within();
        Assert.Equal(TimeSpan.FromSeconds(8), zk.SessionTimeout);
        Assert.NotNull(await zk.ExistsAsync("/"));
    }

    [Fact]
    public async Task Requests_and_connects_are_counted_in_metrics()
    {
        long requests = 0, connects = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Corral.Client") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "corral.client.requests") Interlocked.Add(ref requests, value);
            if (instrument.Name == "corral.client.connects") Interlocked.Add(ref connects, value);
        });
        listener.Start();
        await using var zk = await ConnectAsync();
        for (int i = 0; i < 5; i++) await zk.ExistsAsync("/");
        // Other tests may run in parallel and add to the counters, hence "at least".
        Assert.True(Interlocked.Read(ref requests) >= 5);
        Assert.True(Interlocked.Read(ref connects) >= 1);
    }

    private static readonly SemaphoreSlim ConsoleGate = new(1, 1);

    [Fact]
    public async Task Readme_example_works_as_written()
    {
        string connectionString = Server.ConnectionString;
        var output = new StringWriter();
        var original = Console.Out;
        await ConsoleGate.WaitAsync(); // the suite runs once per server, possibly in parallel
        Console.SetOut(output);
        try
        {
            // ---- README example (docs/client.md) ----
            await using var zk = await CorralClient.ConnectAsync(connectionString);
            await zk.CreateWithParentsAsync("/demo/config", "v1"u8.ToArray());
            var (node, changed) = await zk.GetDataWatchAsync("/demo/config");
            Console.WriteLine($"{node.DataAsString} (version {node.Stat.Version})");
            await zk.SetDataAsync("/demo/config", "v2"u8.ToArray(), version: node.Stat.Version);
            Console.WriteLine($"{(await changed).Type} on {(await changed).Path}");
            await zk.Transaction().Create("/demo/a", "1").Create("/demo/b", "2").CommitAsync();
            Console.WriteLine(string.Join(",", (await zk.GetChildrenAsync("/demo")).Children.Order()));
            await zk.DeleteRecursiveAsync("/demo");
            // ---- end of example ----
        }
        finally
        {
            Console.SetOut(original);
            ConsoleGate.Release();
        }
        Assert.Equal("v1 (version 0)\nNodeDataChanged on /demo/config\na,b,config\n", output.ToString().Replace("\r\n", "\n"));
    }
}
