using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Configuration;

/// <summary>`corral server` as a real process: starts, serves, and stops gracefully on SIGTERM.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task ServesUntilSigtermThenExitsCleanly()
    {
        string dataDir = Directory.CreateTempSubdirectory("corral-cli-").FullName;
        int port = FreePort.Next();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "corral.dll"), "server", "--port", port.ToString(), "--data-dir", dataDir,
                     "--set", "4lw.commands.whitelist=ruok", "--set", "admin.serverPort=0" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Deadline.WaitUntilAsync(() => RuokAsync(port), TimeSpan.FromSeconds(30), "corral server to answer ruok");
            await InteropTestsProbe(port);

            using (var kill = Process.Start("/bin/kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(cts.Token);
            Assert.Equal(0, process.ExitCode);
            string log;
            lock (output) log = output.ToString();
            Assert.Contains($"serving clients on 127.0.0.1:{port}", log);
            Assert.Contains("Corral stopped", log);
            Assert.DoesNotContain("http://", log);
            Assert.True(Directory.Exists(dataDir));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>One real-client round trip (the C client) so the process is shown to serve, not just answer ruok.</summary>
    private static Task InteropTestsProbe(int port) =>
        Interop.InteropScripts.RunAndAssertAsync("cli_mt_check.py", $"127.0.0.1:{port}", TimeSpan.FromSeconds(60), Interop.InteropScripts.CliMt);

    private static async Task<bool> RuokAsync(int port)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cts.Token);
            await client.GetStream().WriteAsync("ruok"u8.ToArray(), cts.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
            return await reader.ReadToEndAsync(cts.Token) == "imok";
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
