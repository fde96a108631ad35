using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Corral.Bench;
using Spectre.Console;

namespace Corral.Cli;

/// <summary>
/// `corral bench`: drives any ZooKeeper-compatible server over raw pipelined sessions and prints a
/// latency table (and JSON with --json). `corral bench load` fills a server with znodes;
/// `corral bench wait-ready` times how long a (re)starting server takes to serve a read.
/// Exit codes: 0 all good, 2 the run counted errors, 1 the run could not start.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var hosts = HostsOption();
        var op = new Option<string>("--op") { Description = "Workload: " + string.Join(", ", WorkloadNames.All), DefaultValueFactory = _ => "mix" };
        op.AcceptOnlyFromAmong([.. WorkloadNames.All]);
        var clients = new Option<int>("--clients", "-c") { Description = "Sessions, one connection each", DefaultValueFactory = _ => 8 };
        var window = new Option<int>("--window", "-w") { Description = "Outstanding requests per session", DefaultValueFactory = _ => 16 };
        var duration = new Option<double>("--duration", "-d") { Description = "Measured seconds", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Warm-up seconds before measuring", DefaultValueFactory = _ => 2 };
        var readPct = new Option<int>("--read-pct") { Description = "Percentage of reads in the mix workload", DefaultValueFactory = _ => 90 };
        var size = new Option<int>("--size") { Description = "Bytes per value", DefaultValueFactory = _ => 1024 };
        var keys = new Option<int>("--keys") { Description = "Key znodes that get/set/mix/multi/watch spread over", DefaultValueFactory = _ => 1000 };
        var root = new Option<string>("--root") { Description = "The bench's own subtree", DefaultValueFactory = _ => "/corral-bench" };
        var keep = new Option<bool>("--keep") { Description = "Leave the subtree in place afterwards" };
        var seed = new Option<int>("--seed") { Description = "Seed of the key choice", DefaultValueFactory = _ => 1 };
        var serverPid = new Option<int[]>("--server-pid") { Description = "Server process(es) whose CPU time per operation to report (repeatable)", AllowMultipleArgumentsPerToken = true };
        var json = new Option<string?>("--json") { Description = "Also write the result as JSON to this file" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No live progress" };

        var command = new Command("bench", "Load-test a ZooKeeper-compatible server over raw pipelined sessions");
        foreach (var o in new Option[] { hosts, op, clients, window, duration, warmup, readPct, size, keys, root, keep, seed, serverPid, json, quiet })
            command.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            WorkloadNames.TryParse(parse.GetValue(op)!, out var workload);
            BenchOptions options;
            try
            {
                options = new BenchOptions
                {
                    Hosts = BenchOptions.ParseHosts(parse.GetValue(hosts)!),
                    Workload = workload,
                    Clients = parse.GetValue(clients),
                    Window = parse.GetValue(window),
                    Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                    Warmup = TimeSpan.FromSeconds(parse.GetValue(warmup)),
                    ReadPercent = parse.GetValue(readPct),
                    Size = parse.GetValue(size),
                    Keys = parse.GetValue(keys),
                    Root = parse.GetValue(root)!,
                    Keep = parse.GetValue(keep),
                    Seed = parse.GetValue(seed),
                    ServerPids = parse.GetValue(serverPid) ?? [],
                };
            }
            catch (FormatException e) { return Fail(e.Message); }
            if (options.Validate() is { } problem) return Fail(problem);

            var console = AnsiConsole.Console;
            IProgress<BenchProgress>? progress = parse.GetValue(quiet) ? null : new SyncProgress<BenchProgress>(p => BenchConsole.WriteProgress(console, p));
            BenchResult result;
            try
            {
                result = await new BenchRunner(options).RunAsync(progress, ct);
            }
            catch (WireException e) { return Fail(e.Message); }
            BenchConsole.WriteResult(console, result);
            if (parse.GetValue(json) is { } file) await File.WriteAllTextAsync(file, result.ToJson(), ct);
            return result.ErrorTotal == 0 ? 0 : 2;
        });

        command.Add(LoadCommand());
        command.Add(WaitReadyCommand());
        return command;
    }

    private static Command LoadCommand()
    {
        var hosts = HostsOption();
        var count = new Option<int>("--count", "-n") { Description = "Znodes to create", DefaultValueFactory = _ => 100_000 };
        var size = new Option<int>("--size") { Description = "Bytes per znode", DefaultValueFactory = _ => 100 };
        var parent = new Option<string>("--parent") { Description = "Parent of the new znodes", DefaultValueFactory = _ => "/corral-load" };
        var clients = new Option<int>("--clients", "-c") { Description = "Sessions", DefaultValueFactory = _ => 4 };
        var window = new Option<int>("--window", "-w") { Description = "Outstanding creates per session", DefaultValueFactory = _ => 64 };
        var json = new Option<string?>("--json") { Description = "Also write the result as JSON to this file" };
        var command = new Command("load", "Create many znodes (left in place) for memory and restart measurements");
        foreach (var o in new Option[] { hosts, count, size, parent, clients, window, json }) command.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            LoadOptions options;
            try
            {
                options = new LoadOptions
                {
                    Hosts = BenchOptions.ParseHosts(parse.GetValue(hosts)!),
                    Count = parse.GetValue(count),
                    Size = parse.GetValue(size),
                    Parent = parse.GetValue(parent)!,
                    Clients = Math.Max(1, parse.GetValue(clients)),
                    Window = Math.Max(1, parse.GetValue(window)),
                };
            }
            catch (FormatException e) { return Fail(e.Message); }
            var console = AnsiConsole.Console;
            LoadResult result;
            try
            {
                result = await new ZnodeLoader(options).RunAsync(
                    new SyncProgress<int>(n => console.MarkupLineInterpolated($"[grey]created {n:N0} of {options.Count:N0}[/]")), ct);
            }
            catch (Exception e) when (e is WireException or ArgumentException) { return Fail(e.Message); }
            console.MarkupLineInterpolated($"created {result.Created:N0} znodes of {options.Size} B in {result.Seconds:0.0} s ({result.CreatesPerSecond:N0}/s), errors {result.ErrorTotal:N0}");
            foreach (var (what, n) in result.Errors) console.MarkupLineInterpolated($"[red]  {what}: {n:N0}[/]");
            if (parse.GetValue(json) is { } file)
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, BenchResult.JsonOptions), ct);
            return result.ErrorTotal == 0 ? 0 : 2;
        });
        return command;
    }

    private static Command WaitReadyCommand()
    {
        var hosts = HostsOption();
        var path = new Option<string>("--path") { Description = "A znode that must be readable", DefaultValueFactory = _ => "/" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to keep trying", DefaultValueFactory = _ => 120 };
        var command = new Command("wait-ready", "Wait until a server serves a read of --path; print the Unix time in ms when it did");
        foreach (var o in new Option[] { hosts, path, timeout }) command.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var host = BenchOptions.ParseHosts(parse.GetValue(hosts)!)[0];
            var ready = await ReadyProbe.WaitAsync(host, parse.GetValue(path)!, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
            if (ready is null) return Fail($"{host.Host}:{host.Port} did not serve {parse.GetValue(path)} in time");
            Console.WriteLine("ready_unix_ms=" + ready.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            return 0;
        });
        return command;
    }

    private static Option<string> HostsOption() =>
        new("--hosts") { Description = "Servers as host:port[,host:port...]; sessions are spread over them", DefaultValueFactory = _ => "127.0.0.1:2181" };

    private static int Fail(string message)
    {
        Console.Error.WriteLine("corral bench: " + message);
        return 1;
    }

    // Progress<T> posts to the thread pool and can print after the final table; this reports inline.
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
