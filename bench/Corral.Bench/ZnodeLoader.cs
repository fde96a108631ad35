using System.Diagnostics;
using System.Text;
using Corral.Protocol;

namespace Corral.Bench;

/// <summary>What <see cref="ZnodeLoader"/> was asked to do.</summary>
public sealed record LoadOptions
{
    public IReadOnlyList<System.Net.DnsEndPoint> Hosts { get; init; } = [new("127.0.0.1", 2181)];
    public int Count { get; init; } = 100_000;
    public int Size { get; init; } = 100;
    public string Parent { get; init; } = "/corral-load";
    public int Clients { get; init; } = 4;
    public int Window { get; init; } = 64;
    public int SessionTimeoutMs { get; init; } = 30_000;

    public static string ChildName(int i) => "n" + i.ToString("D8");
}

public sealed record LoadResult(int Created, long ErrorTotal, IReadOnlyDictionary<string, long> Errors, double Seconds, double CreatesPerSecond);

/// <summary>
/// Fills a server with <see cref="LoadOptions.Count"/> persistent znodes of <see cref="LoadOptions.Size"/>
/// bytes under one parent, for the memory and restart measurements, then checks a sample of them
/// reads back intact. The znodes are left in place.
/// </summary>
public sealed class ZnodeLoader(LoadOptions options)
{
    public async Task<LoadResult> RunAsync(IProgress<int>? progress, CancellationToken ct)
    {
        if (options.Count < 1) throw new ArgumentException("--count must be positive");
        if (options.Size < Payload.MinSize) throw new ArgumentException($"--size must be at least {Payload.MinSize}");
        var errors = new ErrorTally();
        var start = Stopwatch.GetTimestamp();
        int created = 0;

        await using (var control = await WireConnection.OpenAsync(options.Hosts[0], options.SessionTimeoutMs, ct).ConfigureAwait(false))
        {
            await Pipeline.RunAsync(control, 1, 1,
                (_, xid, output) => RequestEncoder.Create(output, xid, Encoding.UTF8.GetBytes(options.Parent), [], CreateMode.Persistent),
                (_, header, _) =>
                {
                    if (header.Err is not (ErrorCode.Ok or ErrorCode.NodeExists))
                        throw new WireException($"cannot create {options.Parent}: {ErrorTally.ErrorName(header.Err)}");
                }, ct).ConfigureAwait(false);
            await control.CloseSessionAsync(ct).ConfigureAwait(false);
        }

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporter = ReportAsync(() => Volatile.Read(ref created), progress, stopProgress.Token);
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async c =>
        {
            // Session c creates znodes c, c + clients, c + 2 x clients, ...
            int mine = (options.Count - c + options.Clients - 1) / options.Clients;
            var data = new byte[options.Size];
            var path = new byte[Encoding.UTF8.GetByteCount(options.Parent) + 10];
            try
            {
                await using var connection = await WireConnection.OpenAsync(options.Hosts[c % options.Hosts.Count], options.SessionTimeoutMs, ct).ConfigureAwait(false);
                await Pipeline.RunAsync(connection, mine, options.Window,
                    (j, xid, output) =>
                    {
                        int i = c + j * options.Clients;
                        Payload.Fill(data, i, 0);
                        RequestEncoder.Create(output, xid, PathOf(path, i), data, CreateMode.Persistent);
                    },
                    (_, header, _) =>
                    {
                        if (header.Err == ErrorCode.Ok) Interlocked.Increment(ref created);
                        else errors.Add(OperationKind.Create, header.Err);
                    }, ct).ConfigureAwait(false);
                await connection.CloseSessionAsync(ct).ConfigureAwait(false);
            }
            catch (WireException e)
            {
                errors.Add("connection: " + e.Message);
            }
        })).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        stopProgress.Cancel();
        await reporter.ConfigureAwait(false);

        await VerifySampleAsync(errors, ct).ConfigureAwait(false);
        return new LoadResult(created, errors.Total, errors.Counts.ToDictionary(), seconds, Math.Round(created / seconds, 1));
    }

    private byte[] PathOf(byte[] buffer, int i)
    {
        Encoding.UTF8.GetBytes(options.Parent + "/" + LoadOptions.ChildName(i), buffer);
        return buffer;
    }

    // Reads back up to 1000 evenly spread znodes and checks their values.
    private async Task VerifySampleAsync(ErrorTally errors, CancellationToken ct)
    {
        int samples = Math.Min(1000, options.Count);
        int step = Math.Max(1, options.Count / samples);
        await using var connection = await WireConnection.OpenAsync(options.Hosts[0], options.SessionTimeoutMs, ct).ConfigureAwait(false);
        var path = new byte[Encoding.UTF8.GetByteCount(options.Parent) + 10];
        await Pipeline.RunAsync(connection, samples, options.Window,
            (j, xid, output) => RequestEncoder.GetData(output, xid, PathOf(path, j * step), watch: false),
            (j, header, body) =>
            {
                if (header.Err != ErrorCode.Ok) { errors.Add(OperationKind.Get, header.Err); return; }
                var reader = new JuteReader(body);
                if (Payload.Verify(reader.ReadBufferSpan(out _), j * step, options.Size) is { } problem)
                    errors.Add(OperationKind.Get, problem);
            }, ct).ConfigureAwait(false);
        await connection.CloseSessionAsync(ct).ConfigureAwait(false);
    }

    private static async Task ReportAsync(Func<int> created, IProgress<int>? progress, CancellationToken ct)
    {
        if (progress is null) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) progress.Report(created());
        }
        catch (OperationCanceledException) { }
    }
}
