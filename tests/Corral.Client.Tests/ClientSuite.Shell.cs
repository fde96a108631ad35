using System.Diagnostics;
using Corral.Cli.Shell;
using Corral.Client.Tests.Infrastructure;

namespace Corral.Client.Tests;

/// <summary>`corral shell` against the running server: in-process sessions and the real executable.</summary>
public abstract partial class ClientSuite
{
    private async Task<(ShellSession Shell, LockedStringWriter Out, LockedStringWriter Err)> OpenShellAsync()
    {
        var output = new LockedStringWriter();
        var error = new LockedStringWriter();
        var shell = new ShellSession(Server.ConnectionString, TimeSpan.FromSeconds(10), output, error);
        await shell.ConnectAsync(Server.ConnectionString).Within();
        return (shell, output, error);
    }

    private static async Task<string> RunShellAsync(ShellSession shell, LockedStringWriter output, string line, bool ok = true)
    {
        output.Clear();
        var outcome = await shell.ExecuteAsync(line).Within();
        Assert.Equal(ok, outcome.Ok);
        return output.ToString().Replace("\r\n", "\n");
    }

    [Fact]
    public async Task Shell_commands_print_zkcli_formats()
    {
        var (shell, output, error) = await OpenShellAsync();
        await using var _ = shell;
        Assert.Equal($"Created {Root}\n", await RunShellAsync(shell, output, $"create {Root} 'hello world'"));
        Assert.Equal($"Created {Root}/b\n", await RunShellAsync(shell, output, $"create {Root}/b"));
        Assert.Equal($"Created {Root}/a0000000001\n", await RunShellAsync(shell, output, $"create -s -e {Root}/a x"));
        Assert.Equal("[a0000000001, b]\n", await RunShellAsync(shell, output, $"ls {Root}"));
        Assert.Equal("hello world\n", await RunShellAsync(shell, output, $"get {Root}"));
        Assert.Equal("null\n", await RunShellAsync(shell, output, $"get {Root}/b"));

        string stat = await RunShellAsync(shell, output, $"stat {Root}");
        var lines = stat.TrimEnd('\n').Split('\n');
        Assert.Equal(["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion", "aclVersion", "ephemeralOwner", "dataLength", "numChildren"],
            lines.Select(l => l.Split(" = ")[0]));
        Assert.Matches(@"^cZxid = 0x[0-9a-f]+$", lines[0]);
        Assert.Matches(@"^ctime = \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$", lines[1]);
        Assert.Equal("cversion = 2", lines[5]);
        Assert.Equal("dataLength = 11", lines[9]);
        Assert.Equal("numChildren = 2", lines[10]);

        Assert.Equal($"[{Root}/a0000000001]\n", await RunShellAsync(shell, output, $"getEphemerals {Root}"));
        Assert.Equal("2\n", await RunShellAsync(shell, output, $"getAllChildrenNumber {Root}"));
        Assert.Equal("'world,'anyone\n: cdrwa\n", await RunShellAsync(shell, output, $"getAcl {Root}"));
        Assert.Equal("", await RunShellAsync(shell, output, $"setAcl {Root}/b world:anyone:cdr"));
        Assert.Equal("'world,'anyone\n: cdr\n", await RunShellAsync(shell, output, $"getAcl {Root}/b"));
        Assert.Equal($"{Root}\n├── a0000000001\n└── b\n", await RunShellAsync(shell, output, $"tree {Root}"));
        Assert.Equal($"{Root}\n{Root}/a0000000001\n{Root}/b\n", await RunShellAsync(shell, output, $"ls -R {Root}"));
        Assert.Equal("Sync is OK\n", await RunShellAsync(shell, output, $"sync {Root}"));
        Assert.Contains("dataVersion = 1", await RunShellAsync(shell, output, $"set -s {Root} v2 -v 0"));
        Assert.Equal("", await RunShellAsync(shell, output, "addauth digest carol:pw"));
        Assert.Contains("digest: carol", await RunShellAsync(shell, output, "whoami"));
        Assert.Equal("", await RunShellAsync(shell, output, $"deleteall {Root}"));
        Assert.Equal("", error.ToString());
        string history = await RunShellAsync(shell, output, "history");
        Assert.StartsWith($"0 - create {Root} 'hello world'\n", history);
        Assert.Equal($"Created {Root}\n", await RunShellAsync(shell, output, "redo 0"));
        Assert.Equal("", await RunShellAsync(shell, output, "printwatches off"));
        Assert.Equal("printwatches is off\n", await RunShellAsync(shell, output, "printwatches"));
    }

    [Fact]
    public async Task Shell_reports_every_error_clearly()
    {
        var (shell, output, error) = await OpenShellAsync();
        await using var _ = shell;
        await RunShellAsync(shell, output, $"create {Root} x");
        await RunShellAsync(shell, output, $"create {Root}/c x");
        async Task<string> Fails(string line)
        {
            error.Clear();
            await RunShellAsync(shell, output, line, ok: false);
            return error.ToString().Replace("\r\n", "\n");
        }
        Assert.Equal($"Node does not exist: {Root}/nope\n", await Fails($"get {Root}/nope"));
        Assert.Equal($"Node already exists: {Root}\n", await Fails($"create {Root}"));
        Assert.Equal($"Node not empty: {Root}\n", await Fails($"delete {Root}"));
        Assert.Equal($"version No is not valid : {Root}\n", await Fails($"set {Root} y -v 9"));
        Assert.Equal($"Node does not exist: {Root}/nope\n", await Fails($"stat {Root}/nope"));
        Assert.Contains("Path must start with / character", await Fails("ls nope"));
        Assert.Contains("Unknown command: frob", await Fails("frob"));
        Assert.Contains("set [-s] [-v version] path data", await Fails($"set {Root}"));
        Assert.Contains("unterminated quote", await Fails("create /x 'oops"));
        Assert.Contains("Unknown perm type: z", await Fails($"setAcl {Root} world:anyone:z"));
        await RunShellAsync(shell, output, $"setAcl {Root}/c digest:nobody:AAAA:cdrwa");
        Assert.Equal($"Insufficient permission : {Root}/c\n", await Fails($"get {Root}/c"));
        await RunShellAsync(shell, output, "close");
        Assert.Equal(ConnectionState.Closed, shell.State);
        Assert.Contains("Not connected", await Fails("ls /"));
        await RunShellAsync(shell, output, $"connect {Server.ConnectionString}");
        Assert.Equal(ConnectionState.Connected, shell.State);
        Assert.Equal($"[c]\n", await RunShellAsync(shell, output, $"ls {Root}"));
        Assert.StartsWith($"[zk: {Server.ConnectionString}(CONNECTED) ", shell.Prompt);
    }

    [Fact]
    public async Task Shell_prints_watch_events_as_they_arrive()
    {
        var (shell, output, _) = await OpenShellAsync();
        await using var _s = shell;
        await using var zk = await ConnectAsync();
        await RunShellAsync(shell, output, $"create {Root} x");
        Assert.Equal("x\n", await RunShellAsync(shell, output, $"get -w {Root}"));
        await RunShellAsync(shell, output, $"addWatch -m PERSISTENT_RECURSIVE {Root}");
        output.Clear();
        await zk.CreateAsync(Root + "/kid", Bytes(""));
        await zk.SetDataAsync(Root, Bytes("y"));
        string Text() => output.ToString();
        await Wait.UntilAsync(() => Task.FromResult(
            Text().Contains($"WatchedEvent state:SyncConnected type:NodeDataChanged path:{Root}\n")
            && Text().Contains($"WatchedEvent state:SyncConnected type:NodeCreated path:{Root}/kid\n")), "watch events printed");
        Assert.Contains("WATCHER::", Text());
    }

    [Fact]
    public async Task Corral_shell_executable_runs_commands_from_arguments_and_stdin()
    {
        string dll = typeof(ShellSession).Assembly.Location;
        var (code, stdout, stderr) = await RunProcessAsync(dll, ["shell", "-s", Server.ConnectionString, "-c", $"create {Root} abc", "-c", $"get {Root}"], null);
        Assert.Equal("", stderr);
        Assert.Equal($"Created {Root}\nabc\n", stdout);
        Assert.Equal(0, code);

        (code, stdout, stderr) = await RunProcessAsync(dll, ["shell", "-server", Server.ConnectionString],
            $"create {Root}/k\nls {Root}\nget {Root}/missing\ndelete {Root}/k\nls {Root}\n");
        Assert.Equal($"Created {Root}/k\n[k]\n[]\n", stdout);
        Assert.Equal($"Node does not exist: {Root}/missing\n", stderr);
        Assert.Equal(1, code); // one command failed
    }

    internal static async Task<(int Code, string Out, string Err)> RunProcessAsync(string dll, string[] args, string? stdin,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().Within(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, (await stdout).Replace("\r\n", "\n"), (await stderr).Replace("\r\n", "\n"));
    }
}
