using Corral.Bench;

namespace Corral.Bench.Tests;

/// <summary>A misbehaving server must show up as counted errors in the result, never as a clean run.</summary>
public class ErrorReportingTests
{
    private static BenchOptions Options(FakeServer server) => new()
    {
        Hosts = [server.Host],
        Workload = BenchWorkload.Get,
        Clients = 2,
        Window = 4,
        Warmup = TimeSpan.Zero,
        Duration = TimeSpan.FromSeconds(1), // long enough that a stalled, loaded machine still completes operations inside it
        Keys = 10,
        Size = 64,
    };

    [Fact]
    public async Task Corrupt_values_are_counted_for_every_read()
    {
        await using var server = new FakeServer(Misbehaviour.CorruptData, 64);
        var result = await new BenchRunner(Options(server)).RunAsync(null, CancellationToken.None);
        Assert.True(result.Operations > 0);
        Assert.Equal(["getData: corrupt data"], result.Errors.Keys);
        // Every reply, inside the measurement window or not, was counted as an error.
        Assert.True(result.ErrorTotal >= result.Operations);
    }

    [Fact]
    public async Task Replies_out_of_order_end_the_session_and_are_reported()
    {
        await using var server = new FakeServer(Misbehaviour.WrongXid, 64);
        var result = await new BenchRunner(Options(server)).RunAsync(null, CancellationToken.None);
        Assert.Equal(0, result.Operations);
        Assert.Equal(2, result.Errors["connection: reply xid 1001 does not match the oldest outstanding request (xid 1)"]);
        Assert.Equal(2 * 4, result.Errors["connection: requests lost"]);
    }

    [Fact]
    public async Task A_server_hanging_up_mid_run_is_reported_and_the_run_still_finishes()
    {
        await using var server = new FakeServer(Misbehaviour.HangUp, 64);
        var host = server.Host;
        var result = await new BenchRunner(Options(server)).RunAsync(null, CancellationToken.None);
        Assert.Equal(0, result.Operations);
        Assert.Equal(2, result.Errors[$"connection: {host.Host}:{host.Port} closed the connection"]);
        Assert.Equal(2 * 4, result.Errors["connection: requests lost"]);
        Assert.Equal(10, result.ErrorTotal);
    }
}
