using System.Diagnostics;
using Corral.Protocol;

namespace Corral.Bench;

/// <summary>A once-a-second snapshot of a running bench, for live progress.</summary>
public sealed record BenchProgress(string Phase, TimeSpan Elapsed, double OpsPerSecond, double MeanLatencyMs, long Completed, long Errors, int SessionsAlive);

/// <summary>
/// Runs one bench: builds the subtree, opens the sessions, warms up, measures, drains, checks
/// notifications (watch workload), closes the sessions, cleans up and summarises. Failures of
/// individual requests or sessions are counted in the result, never thrown; only a run that
/// cannot start (bad options, no server, failed set-up) throws.
/// </summary>
public sealed class BenchRunner(BenchOptions options)
{
    public async Task<BenchResult> RunAsync(IProgress<BenchProgress>? progress, CancellationToken ct)
    {
        if (options.Validate() is { } problem) throw new ArgumentException(problem);
        var started = DateTimeOffset.UtcNow;
        var keyPaths = BenchTree.KeyPaths(options);
        var errors = new ErrorTally();

        // Set-up and clean-up each get their own session: one held idle through a long run would expire.
        await using (var setup = await WireConnection.OpenAsync(options.Hosts[0], options.SessionTimeoutMs, ct).ConfigureAwait(false))
        {
            await BenchTree.CreateAsync(setup, options, keyPaths, ct).ConfigureAwait(false);
            await setup.CloseSessionAsync(ct).ConfigureAwait(false);
        }

        var sessions = await Task.WhenAll(Enumerable.Range(0, options.Clients)
            .Select(i => BenchSession.OpenAsync(options, i, keyPaths, ct))).ConfigureAwait(false);
        try
        {
            if (options.Workload == BenchWorkload.Watch)
                await Task.WhenAll(sessions.Select(s => s.WatchKeysAsync(ct))).ConfigureAwait(false);

            var clock = BenchClock.StartingNow(options.Warmup, options.Duration);
            using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var cpu = SampleCpuAsync(clock, stopProgress.Token);
            var reporter = ReportAsync(sessions, clock, progress, stopProgress.Token);

            await Task.WhenAll(sessions.Select(s => s.RunAsync(clock, ct))).ConfigureAwait(false);

            long? expected = null;
            if (options.Workload == BenchWorkload.Watch)
            {
                expected = sessions.Sum(s => s.SetsSucceeded);
                await Task.WhenAll(sessions.Select(s => s.AwaitNotificationsAsync(expected.Value, options.NotificationGrace, ct))).ConfigureAwait(false);
            }
            var (serverCpu, clientCpu) = await cpu.ConfigureAwait(false);
            stopProgress.Cancel();
            await reporter.ConfigureAwait(false);

            await Task.WhenAll(sessions.Select(s => s.CloseAsync(ct))).ConfigureAwait(false);
            if (!options.Keep) await CleanUpAsync(errors, ct).ConfigureAwait(false);

            return Summarise(sessions, clock, started, errors, serverCpu, clientCpu, expected);
        }
        finally
        {
            foreach (var s in sessions) await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    // A server that died during the run must still get its result table: clean-up failures are counted, not thrown.
    private async Task CleanUpAsync(ErrorTally errors, CancellationToken ct)
    {
        try
        {
            await using var cleanup = await WireConnection.OpenAsync(options.Hosts[0], options.SessionTimeoutMs, ct).ConfigureAwait(false);
            await BenchTree.DeleteAsync(cleanup, options, errors, ct).ConfigureAwait(false);
            await cleanup.CloseSessionAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WireException or JuteException)
        {
            errors.Add("clean-up: " + e.Message);
        }
    }

    private BenchResult Summarise(BenchSession[] sessions, BenchClock clock, DateTimeOffset started, ErrorTally errors,
        double? serverCpu, double clientCpu, long? notificationsExpected)
    {
        var all = new LatencyHistogram();
        var perOperation = new Dictionary<string, LatencySummary>();
        foreach (var kind in OperationNames.All)
        {
            var merged = new LatencyHistogram();
            foreach (var s in sessions) merged.Add(s.Histograms[kind]);
            if (merged.Count == 0) continue;
            perOperation[OperationNames.Of(kind)] = LatencySummary.From(merged);
            all.Add(merged);
        }
        foreach (var s in sessions) errors.AddAll(s.Errors);
        double seconds = clock.MeasuredSeconds;
        return new BenchResult
        {
            Workload = WorkloadNames.Of(options.Workload),
            Hosts = string.Join(',', options.Hosts.Select(WireConnection.Describe)),
            Clients = options.Clients,
            Window = options.Window,
            Size = options.Size,
            Keys = options.Keys,
            ReadPercent = options.Workload == BenchWorkload.Mix ? options.ReadPercent : options.Workload == BenchWorkload.Get ? 100 : 0,
            WarmupSeconds = options.Warmup.TotalSeconds,
            DurationSeconds = seconds,
            StartedUtc = started,
            Operations = all.Count,
            Throughput = Math.Round(all.Count / seconds, 1),
            Latency = LatencySummary.From(all),
            PerOperation = perOperation,
            ErrorTotal = errors.Total,
            Errors = errors.Counts.OrderByDescending(e => e.Value).ToDictionary(e => e.Key, e => e.Value),
            NotificationsExpected = notificationsExpected * options.Clients,
            NotificationsReceived = notificationsExpected is null ? null : sessions.Sum(s => s.Notifications),
            ServerCpuSeconds = serverCpu is null ? null : Math.Round(serverCpu.Value, 2),
            ServerCpuMicrosPerOp = serverCpu is null || all.Count == 0 ? null : Math.Round(serverCpu.Value * 1e6 / all.Count, 2),
            ClientCpuSeconds = Math.Round(clientCpu, 2),
        };
    }

    // Samples CPU time of the server processes and of this process at the start and end of the measurement window.
    private async Task<(double? Server, double Client)> SampleCpuAsync(BenchClock clock, CancellationToken ct)
    {
        var self = Process.GetCurrentProcess();
        await DelayUntilAsync(clock.MeasureStart, ct).ConfigureAwait(false);
        double? serverStart = options.ServerPids.Count > 0 ? ProcessCpu.TryReadTotal(options.ServerPids) : null;
        self.Refresh();
        double clientStart = self.TotalProcessorTime.TotalSeconds;
        await DelayUntilAsync(clock.MeasureEnd, ct).ConfigureAwait(false);
        double? serverEnd = options.ServerPids.Count > 0 ? ProcessCpu.TryReadTotal(options.ServerPids) : null;
        self.Refresh();
        double clientEnd = self.TotalProcessorTime.TotalSeconds;
        return (serverEnd - serverStart, clientEnd - clientStart);
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken ct)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
    }

    private static async Task ReportAsync(BenchSession[] sessions, BenchClock clock, IProgress<BenchProgress>? progress, CancellationToken ct)
    {
        if (progress is null) return;
        long begin = Stopwatch.GetTimestamp();
        long lastCompleted = 0, lastLatency = 0, lastMeasured = 0, lastTime = begin;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                long now = Stopwatch.GetTimestamp();
                long completed = sessions.Sum(s => s.Completed);
                long measured = sessions.Sum(s => s.Measured);
                long latency = sessions.Sum(s => s.LatencySumMicros);
                double seconds = Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds;
                string phase = now < clock.MeasureStart ? "warm-up" : clock.Finished(now) ? "drain" : "measure";
                double mean = measured > lastMeasured ? (latency - lastLatency) / 1000.0 / (measured - lastMeasured) : 0;
                progress.Report(new BenchProgress(phase, Stopwatch.GetElapsedTime(begin, now), (completed - lastCompleted) / seconds,
                    mean, completed, sessions.Sum(s => s.Errors.Total), sessions.Count(s => s.Alive)));
                (lastCompleted, lastLatency, lastMeasured, lastTime) = (completed, latency, measured, now);
            }
        }
        catch (OperationCanceledException) { }
    }
}

public static class WorkloadNames
{
    public static string Of(BenchWorkload workload) => workload switch
    {
        BenchWorkload.CreateDelete => "create-delete",
        BenchWorkload.Sequential => "sequential",
        _ => workload.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string name, out BenchWorkload workload)
    {
        foreach (var w in Enum.GetValues<BenchWorkload>())
        {
            if (string.Equals(Of(w), name, StringComparison.OrdinalIgnoreCase)) { workload = w; return true; }
        }
        workload = default;
        return false;
    }

    public static IEnumerable<string> All => Enum.GetValues<BenchWorkload>().Select(Of);
}
