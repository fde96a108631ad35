using System.Text;
using Corral.Bench;
using Corral.Protocol;

namespace Corral.Bench.Tests;

/// <summary>Every workload against real Apache ZooKeeper: it must run with zero errors and leave no trace.</summary>
public class BenchAgainstZooKeeperTests(ZooKeeperFixture zk) : IClassFixture<ZooKeeperFixture>
{
    private BenchOptions Options(BenchWorkload workload) => new()
    {
        Hosts = [zk.Host],
        Workload = workload,
        Clients = 3,
        Window = 4,
        Warmup = TimeSpan.FromMilliseconds(200),
        Duration = TimeSpan.FromMilliseconds(800),
        Keys = 50,
        Size = 256,
        Root = "/bench-test-" + WorkloadNames.Of(workload),
        ServerPids = [zk.Pid],
    };

    [Theory]
    [InlineData(BenchWorkload.Get, new[] { "getData" })]
    [InlineData(BenchWorkload.Set, new[] { "setData" })]
    [InlineData(BenchWorkload.Mix, new[] { "getData", "setData" })]
    [InlineData(BenchWorkload.CreateDelete, new[] { "create", "delete" })]
    [InlineData(BenchWorkload.Sequential, new[] { "seq-create" })]
    [InlineData(BenchWorkload.Multi, new[] { "multi" })]
    [InlineData(BenchWorkload.Watch, new[] { "setData" })]
    public async Task Workload_runs_clean_and_removes_its_subtree(BenchWorkload workload, string[] operations)
    {
        var options = Options(workload);
        var result = await new BenchRunner(options).RunAsync(null, CancellationToken.None);

        Assert.Empty(result.Errors);
        Assert.Equal(0, result.ErrorTotal);
        Assert.True(result.Operations > 0, "no operation completed in the measurement window");
        Assert.Equal(operations.Order(), result.PerOperation.Keys.Order());
        Assert.Equal(result.Operations, result.PerOperation.Values.Sum(s => s.Count));
        Assert.True(result.Latency.P50Ms <= result.Latency.P99Ms && result.Latency.P99Ms <= result.Latency.MaxMs);
        Assert.NotNull(result.ServerCpuMicrosPerOp);
        if (workload == BenchWorkload.Watch)
        {
            Assert.True(result.NotificationsExpected > 0);
            Assert.Equal(result.NotificationsExpected, result.NotificationsReceived);
        }
        if (workload == BenchWorkload.CreateDelete)
            Assert.InRange(result.PerOperation["create"].Count - result.PerOperation["delete"].Count, -options.Clients, options.Clients);

        Assert.Equal(ErrorCode.NoNode, await GetDataErrorAsync(options.Root));
        var roundTrip = BenchResult.FromJson(result.ToJson());
        Assert.Equal(result.Operations, roundTrip.Operations);
        Assert.Equal(result.Latency, roundTrip.Latency);
    }

    [Fact]
    public async Task Loader_creates_every_znode_and_they_read_back()
    {
        var options = new LoadOptions { Hosts = [zk.Host], Count = 1500, Size = 100, Parent = "/bench-test-load", Clients = 3, Window = 32 };
        var result = await new ZnodeLoader(options).RunAsync(null, CancellationToken.None);
        Assert.Equal(1500, result.Created);
        Assert.Equal(0, result.ErrorTotal);
        Assert.Equal(ErrorCode.Ok, await GetDataErrorAsync("/bench-test-load/" + LoadOptions.ChildName(1499)));
        Assert.Equal(ErrorCode.NoNode, await GetDataErrorAsync("/bench-test-load/" + LoadOptions.ChildName(1500)));
    }

    [Fact]
    public async Task Ready_probe_sees_an_existing_znode_and_times_out_on_a_missing_one()
    {
        Assert.NotNull(await ReadyProbe.WaitAsync(zk.Host, "/zookeeper", TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.Null(await ReadyProbe.WaitAsync(zk.Host, "/no-such-znode", TimeSpan.FromMilliseconds(300), CancellationToken.None));
    }

    private async Task<ErrorCode> GetDataErrorAsync(string path)
    {
        await using var connection = await WireConnection.OpenAsync(zk.Host, 10_000, CancellationToken.None);
        var err = ErrorCode.SystemError;
        await Pipeline.RunAsync(connection, 1, 1,
            (_, xid, output) => RequestEncoder.GetData(output, xid, Encoding.UTF8.GetBytes(path), false),
            (_, header, _) => err = header.Err, CancellationToken.None);
        return err;
    }
}
