using System.Globalization;
using Spectre.Console;

namespace Corral.Bench;

/// <summary>Human-readable output of `corral bench`: one progress line a second, then the result tables.</summary>
public static class BenchConsole
{
    public static void WriteProgress(IAnsiConsole console, BenchProgress p) =>
        console.MarkupLine(CultureInfo.InvariantCulture,
            "[grey]{0,6:0}s[/] {1,-8} {2,12:N0} ops/s   mean {3,8:0.000} ms   {4}   sessions {5}",
            p.Elapsed.TotalSeconds, p.Phase, p.OpsPerSecond, p.MeanLatencyMs,
            p.Errors == 0 ? "errors 0" : $"[red]errors {p.Errors:N0}[/]", p.SessionsAlive);

    public static void WriteResult(IAnsiConsole console, BenchResult r)
    {
        console.MarkupLineInterpolated(
            $"[bold]{r.Workload}[/] on {r.Hosts}: {r.Clients} sessions x window {r.Window}, {r.Size} B values, {r.Keys} keys, {r.DurationSeconds:0.#} s measured after {r.WarmupSeconds:0.#} s warm-up");
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "operation", "count", "ops/s", "mean ms", "p50 ms", "p99 ms", "p99.9 ms", "max ms" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var (name, s) in r.PerOperation)
            table.AddRow(Row(name, s, s.Count / r.DurationSeconds));
        if (r.PerOperation.Count > 1)
            table.AddRow(Row("[bold]all[/]", r.Latency, r.Throughput));
        console.Write(table);

        if (r.NotificationsExpected is { } expected)
            console.MarkupLineInterpolated($"watch notifications: {r.NotificationsReceived:N0} received of {expected:N0} expected");
        if (r.ServerCpuMicrosPerOp is { } perOp)
            console.MarkupLineInterpolated($"server CPU: {r.ServerCpuSeconds:0.00} s, {perOp:0.0} µs per operation");
        console.MarkupLineInterpolated($"client CPU: {r.ClientCpuSeconds:0.00} s");

        if (r.ErrorTotal == 0)
        {
            console.MarkupLine("[green]errors: 0[/] (every reply matched its request and every value read back verified)");
            return;
        }
        console.MarkupLineInterpolated($"[red]errors: {r.ErrorTotal:N0}[/]");
        var errors = new Table().Border(TableBorder.Rounded).AddColumn("error").AddColumn(new TableColumn("count").RightAligned());
        foreach (var (what, count) in r.Errors) errors.AddRow(Markup.Escape(what), count.ToString("N0", CultureInfo.InvariantCulture));
        console.Write(errors);
    }

    private static string[] Row(string name, LatencySummary s, double opsPerSecond) =>
    [
        name, s.Count.ToString("N0", CultureInfo.InvariantCulture), opsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
        F(s.MeanMs), F(s.P50Ms), F(s.P99Ms), F(s.P999Ms), F(s.MaxMs),
    ];

    private static string F(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture);
}
