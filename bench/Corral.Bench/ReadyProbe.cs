using System.Diagnostics;
using System.Text;
using Corral.Protocol;

namespace Corral.Bench;

/// <summary>
/// Waits for a server to serve reads: retries opening a session and reading one znode until that
/// succeeds or the timeout passes. Used to time restarts: the server counts as ready only once
/// its data is loaded and a read returns it.
/// </summary>
public static class ReadyProbe
{
    /// <summary>Returns the time at which the read succeeded, or null on timeout.</summary>
    public static async Task<DateTimeOffset?> WaitAsync(System.Net.DnsEndPoint host, string path, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + BenchClock.ToTicks(timeout);
        var pathBytes = Encoding.UTF8.GetBytes(path);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                // A server may accept connections before it answers them: bound each attempt.
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(TimeSpan.FromSeconds(5));
                await using var connection = await WireConnection.OpenAsync(host, 10_000, attempt.Token).ConfigureAwait(false);
                bool found = false;
                await Pipeline.RunAsync(connection, 1, 1,
                    (_, xid, output) => RequestEncoder.GetData(output, xid, pathBytes, watch: false),
                    (_, header, _) => found = header.Err == ErrorCode.Ok, attempt.Token).ConfigureAwait(false);
                if (found)
                {
                    var ready = DateTimeOffset.UtcNow;
                    await connection.CloseSessionAsync(attempt.Token).ConfigureAwait(false);
                    return ready;
                }
            }
            catch (WireException) { }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
        return null;
    }
}
