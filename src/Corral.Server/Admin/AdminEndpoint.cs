using System.Text.Json;
using Corral.Server.Commands;
using Corral.Server.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Corral.Server.Admin;

/// <summary>
/// The admin HTTP server's request handler (its own Kestrel listener, admin.serverAddress:
/// admin.serverPort): <c>{admin.commandURL}</c> lists the commands, <c>{admin.commandURL}/name</c>
/// runs one and answers JSON, <c>/metrics</c> is the Prometheus exposition, <c>/health</c> says
/// whether the processing loop answers. No forwarded-header handling is installed: the peer
/// address is always the socket's (CVE-2024-51504).
/// </summary>
public sealed class AdminEndpoint(ServerView view, CorralMetrics metrics, PrometheusExporter exporter, AdminAuthorizer authorizer,
    CostlyCommandLimiter limiter, ILogger<AdminEndpoint> log)
{
    private static readonly TimeSpan LoopTimeout = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsPost(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        string path = request.Path.Value ?? "/";
        string prefix = view.Options.AdminCommandUrl.TrimEnd('/');
        try
        {
            if (path == "/metrics") await MetricsAsync(context);
            else if (path == "/health") await HealthAsync(context);
            else if (path == prefix || path == prefix + "/") await ListAsync(context, prefix);
            else if (path.StartsWith(prefix + "/", StringComparison.Ordinal)) await CommandAsync(context, path[(prefix.Length + 1)..].TrimEnd('/'));
            else await WriteJsonAsync(context, StatusCodes.Status404NotFound, new() { ["error"] = $"no such resource: {path}" });
        }
        catch (TimeoutException)
        {
            await WriteJsonAsync(context, StatusCodes.Status503ServiceUnavailable, new() { ["error"] = "the server did not answer in time" });
        }
    }

    private async Task MetricsAsync(HttpContext context)
    {
        await view.Loop.InvokeAsync(() =>
        {
            var core = view.Loop.Core.GetStatistics();
            var quotas = view.Loop.Core.Inspect?.Quotas;
            metrics.Gauges = new GaugeValues(view.Connections.Count, view.Outstanding(), core.NodeCount, core.WatchCount,
                core.EphemeralCount, core.SessionCount, core.ApproximateDataSize ?? 0,
                quotas?.SoftLimitExceeded ?? 0, quotas?.HardLimitRejected ?? 0);
            return true;
        }).WaitAsync(LoopTimeout);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await context.Response.WriteAsync(exporter.Render());
    }

    private async Task HealthAsync(HttpContext context)
    {
        var state = await view.Loop.InvokeAsync(() => view.Loop.Core.GetStatistics().ServerState).WaitAsync(LoopTimeout);
        await WriteJsonAsync(context, StatusCodes.Status200OK, new() { ["status"] = "serving", ["server_state"] = state });
    }

    private Task ListAsync(HttpContext context, string prefix) => WriteJsonAsync(context, StatusCodes.Status200OK, new()
    {
        ["commands"] = AdminCommands.All.Select(c => new Dictionary<string, object?>
        {
            ["name"] = c.Name,
            ["aliases"] = c.Aliases,
            ["url"] = $"{prefix}/{c.Name}",
            ["changes_state"] = c.ChangesState,
        }).ToList(),
    });

    private async Task CommandAsync(HttpContext context, string name)
    {
        var command = AdminCommands.Find(name);
        if (command is null)
        {
            await WriteJsonAsync(context, StatusCodes.Status404NotFound, new() { ["command"] = name, ["error"] = "Command not found" });
            return;
        }
        if (command.ChangesState && !authorizer.IsAuthorized(context))
        {
            log.LogWarning("Refused admin command {Command} from {Remote}: not authorized", command.Name, context.Connection.RemoteIpAddress);
            await WriteJsonAsync(context, StatusCodes.Status403Forbidden, new()
            {
                ["command"] = command.Name,
                ["error"] = "Forbidden: this command changes state; send Authorization: Bearer <admin.authToken> or connect from admin.trustedAddresses",
            });
            return;
        }
        if (!limiter.TryAcquire(AdminCommands.FourLetterName(command)))
        {
            metrics.RecordCostlyCommandRefused(AdminCommands.FourLetterName(command));
            await WriteJsonAsync(context, StatusCodes.Status429TooManyRequests, new()
            {
                ["command"] = command.Name,
                ["error"] = $"rate limit for costly commands ({limiter.PerSecond} per second) exceeded",
            });
            return;
        }
        log.LogInformation("Admin command {Command} from {Remote}", command.Name, context.Connection.RemoteIpAddress);
        var body = await view.Loop.InvokeAsync(() => command.Run(view)).WaitAsync(LoopTimeout);
        var response = new Dictionary<string, object?> { ["command"] = command.Name, ["error"] = null };
        foreach (var (key, value) in body) response[key] = value;
        await WriteJsonAsync(context, StatusCodes.Status200OK, response);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Dictionary<string, object?> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
