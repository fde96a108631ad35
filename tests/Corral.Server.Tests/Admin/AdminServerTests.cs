using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Corral.Client;
using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Admin;

/// <summary>
/// The admin HTTP server over the real core: the command list, JSON commands and their aliases,
/// authorization of state-changing commands (token, trusted address, and never X-Forwarded-For:
/// CVE-2024-51504), /health, and a /metrics scrape checked by Prometheus' reference parser.
/// </summary>
public sealed class AdminServerTests : IAsyncLifetime
{
    private const string Token = "s3cret-token";
    private string _dataDir = "";
    private CorralServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("corral-admin-").FullName;
        _server = await CorralServer.StartAsync(Options(_dataDir, o =>
        {
            o.AdminAuthToken = Token;
            o.AdminTrustedAddresses = ["10.1.2.3"];
        }), CoreFactory.Create);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.AdminEndPoint!.Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.StopAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static CorralServerOptions Options(string dataDir, Action<CorralServerOptions>? configure = null)
    {
        var o = new CorralServerOptions { ClientPort = 0, AdminEnableServer = true, AdminServerPort = 0, DataDir = dataDir, MaxClientCnxns = 0 };
        configure?.Invoke(o);
        return o;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        using var response = await _http.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task CommandsListsEveryCommandWithItsUrl()
    {
        var (status, body) = await GetJsonAsync("/commands");
        Assert.Equal(HttpStatusCode.OK, status);
        var names = body.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["configuration", "connection_stat_reset", "connections", "dirs", "dump", "environment", "hash", "is_read_only",
            "monitor", "ruok", "server_stats", "stat_reset", "stats", "watch_summary", "watches", "watches_by_path"], names);
        Assert.Equal("/commands/monitor", body.GetProperty("commands")[8].GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("monitor", "monitor")]
    [InlineData("mntr", "monitor")]
    [InlineData("srvr", "server_stats")]
    [InlineData("conf", "configuration")]
    public async Task CommandsAnswerJsonUnderTheirNameOrAlias(string asked, string name)
    {
        var (status, body) = await GetJsonAsync($"/commands/{asked}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(name, body.GetProperty("command").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task MonitorAndConfigurationCarryTheFigures()
    {
        await using var zk = await CorralClient.ConnectAsync(_server.ConnectString);
        await zk.CreateAsync("/admin-e", "", Corral.Protocol.CreateMode.Ephemeral);
        var (_, monitor) = await GetJsonAsync("/commands/monitor");
        Assert.Equal("standalone", monitor.GetProperty("server_state").GetString());
        Assert.Equal(1, monitor.GetProperty("ephemerals_count").GetInt64());
        Assert.True(monitor.GetProperty("znode_count").GetInt64() >= 2);
        var (_, conf) = await GetJsonAsync("/commands/configuration");
        Assert.Equal(_server.ClientEndPoint.Port, conf.GetProperty("client_port").GetInt32());
        Assert.Equal(2000, conf.GetProperty("tick_time").GetInt32());
        var (_, dump) = await GetJsonAsync("/commands/dump");
        Assert.Equal(["/admin-e"], dump.GetProperty("session_id_to_ephemeral_paths").GetProperty(zk.SessionId.ToString())
            .EnumerateArray().Select(p => p.GetString()!).ToArray());
    }

    [Fact]
    public async Task UnknownCommandIs404()
    {
        var (status, body) = await GetJsonAsync("/commands/nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Command not found", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task StateChangingCommandsNeedTheTokenAndIgnoreForwardedHeaders()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await GetJsonAsync("/commands/stat_reset")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetJsonAsync("/commands/crst",
            r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong"))).Status);
        // CVE-2024-51504: a client-supplied X-Forwarded-For naming a trusted address must not be believed.
        Assert.Equal(HttpStatusCode.Forbidden, (await GetJsonAsync("/commands/stat_reset", r =>
        {
            r.Headers.Add("X-Forwarded-For", "10.1.2.3");
            r.Headers.Add("X-Real-IP", "10.1.2.3");
            r.Headers.Add("Forwarded", "for=10.1.2.3");
        })).Status);
        var (status, body) = await GetJsonAsync("/commands/stat_reset",
            r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("stat_reset", body.GetProperty("command").GetString());
        // Read-only commands need nothing.
        Assert.Equal(HttpStatusCode.OK, (await GetJsonAsync("/commands/connections")).Status);
    }

    [Fact]
    public async Task TrustedAddressNeedsNoToken()
    {
        string dir = Directory.CreateTempSubdirectory("corral-admin-").FullName;
        await using var trusted = await CorralServer.StartAsync(Options(dir, o => o.AdminTrustedAddresses = ["127.0.0.0/8"]), CoreFactory.Create);
        using var http = new HttpClient();
        var response = await http.GetAsync($"http://127.0.0.1:{trusted.AdminEndPoint!.Port}/commands/connection_stat_reset");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await trusted.StopAsync();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task HealthSaysServing()
    {
        var (status, body) = await GetJsonAsync("/health");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("serving", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task MetricsScrapeParsesWithPrometheusReferenceParser()
    {
        await using (var zk = await CorralClient.ConnectAsync(_server.ConnectString))
        {
            await zk.CreateAsync("/metrics-node", "x");
            await zk.GetDataAsync("/metrics-node");
            await zk.GetDataAsync("/metrics-node");
        }
        long znodes = (await GetJsonAsync("/commands/monitor")).Body.GetProperty("znode_count").GetInt64();
        using var response = await _http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        string file = Path.Combine(_dataDir, "scrape.txt");
        await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());

        var result = await ProcessRunner.RunAsync(Interop.InteropScripts.Python,
            [Path.Combine(AppContext.BaseDirectory, "interop", "prometheus_parse.py"), file], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Combined);
        var samples = result.StdOut.Split('\n');
        Assert.Contains("# corral_request_duration_seconds histogram", samples);
        Assert.Contains("# corral_network_received_bytes counter", samples);
        Assert.Contains("# corral_znodes gauge", samples);
        Assert.Contains("corral_request_duration_seconds_count{op=getData} 2.0", samples);
        Assert.Contains("corral_request_duration_seconds_count{op=create2} 1.0", samples);
        Assert.Contains("corral_requests_total{op=create2} 1.0", samples);
        Assert.Contains(samples, s => s.StartsWith("corral_request_duration_seconds_bucket{le=+Inf,op=getData} 2.0", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.StartsWith("corral_network_received_bytes_total{} ", StringComparison.Ordinal) && !s.EndsWith(" 0.0"));
        Assert.Contains($"corral_znodes{{}} {znodes}.0", samples);
        Assert.Contains("corral_connections{} 0.0", samples);
        // The create was fsynced before it was acknowledged, so storage has timed at least one fsync.
        Assert.Contains("# corral_storage_fsync_duration_seconds histogram", samples);
        Assert.Contains(samples, s => s.StartsWith("corral_storage_fsync_duration_seconds_count{} ", StringComparison.Ordinal) && !s.EndsWith(" 0.0"));
    }

    [Fact]
    public async Task MetricsCountSoftAndHardQuotaOverruns()
    {
        string dir = Directory.CreateTempSubdirectory("corral-admin-quota-").FullName;
        try
        {
            await using var server = await CorralServer.StartAsync(Options(dir, o => o.EnforceQuota = true), CoreFactory.Create);
            await using (var shell = new Corral.Cli.Shell.ShellSession(server.ConnectString, TimeSpan.FromSeconds(10), TextWriter.Null, TextWriter.Null))
            {
                await shell.ConnectAsync(server.ConnectString);
                // A soft byte limit of 3 that /q/a's 4 bytes overrun (allowed, counted); a hard count of 3
                // nodes (/q itself included), so /q/c is refused.
                foreach (string line in new[] { "create /q", "setquota -b 3 /q", "setquota -N 3 /q", "create /q/a abcd", "create /q/b" })
                    Assert.True((await shell.ExecuteAsync(line)).Ok, line);
                Assert.False((await shell.ExecuteAsync("create /q/c")).Ok);
            }
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.AdminEndPoint!.Port}") };
            var lines = (await http.GetStringAsync("/metrics")).Split('\n');
            Assert.Contains("# TYPE corral_quota_soft_exceeded_total counter", lines);
            Assert.Equal(["corral_quota_hard_rejected_total 1", "corral_quota_soft_exceeded_total 1"],
                lines.Where(l => l.StartsWith("corral_quota_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task DisabledAdminServerListensNowhere()
    {
        string dir = Directory.CreateTempSubdirectory("corral-admin-").FullName;
        await using var server = await CorralServer.StartAsync(Options(dir, o => o.AdminEnableServer = false), CoreFactory.Create);
        Assert.Null(server.AdminEndPoint);
        await server.StopAsync();
        Directory.Delete(dir, recursive: true);
    }
}
