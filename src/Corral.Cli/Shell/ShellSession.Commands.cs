using System.Text;
using Corral.Client;
using Corral.Protocol;

namespace Corral.Cli.Shell;

public sealed partial class ShellSession
{
    /// <summary>Usage lines, in zkCli's wording, printed by help and on a usage error.</summary>
    public static readonly IReadOnlyDictionary<string, string> Usage = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["addauth"] = "addauth scheme auth",
        ["addWatch"] = "addWatch [-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE",
        ["close"] = "close",
        ["connect"] = "connect host:port",
        ["create"] = "create [-s] [-e] [-c] [-t ttl] path [data] [acl]",
        ["delete"] = "delete [-v version] path",
        ["deleteall"] = "deleteall path [-b batch size]",
        ["get"] = "get [-s] [-w] path",
        ["getAcl"] = "getAcl [-s] path",
        ["getAllChildrenNumber"] = "getAllChildrenNumber path",
        ["delquota"] = "delquota [-n|-b|-N|-B] path",
        ["getEphemerals"] = "getEphemerals path",
        ["help"] = "help",
        ["history"] = "history",
        ["listquota"] = "listquota path",
        ["ls"] = "ls [-s] [-w] [-R] path",
        ["printwatches"] = "printwatches on|off",
        ["quit"] = "quit",
        ["redo"] = "redo cmdno",
        ["removewatches"] = "removewatches path [-c|-d|-a] [-l]",
        ["set"] = "set [-s] [-v version] path data",
        ["setAcl"] = "setAcl [-s] [-v version] [-R] path acl",
        ["setquota"] = "setquota -n|-b|-N|-B val path",
        ["stat"] = "stat [-w] path",
        ["sync"] = "sync path",
        ["tree"] = "tree [path] # draws the subtree under path (default /)",
        ["whoami"] = "whoami",
    };

    /// <summary>The outcome of one line: whether it succeeded and whether the shell should exit.</summary>
    public readonly record struct Outcome(bool Ok, bool Quit);

    /// <summary>Runs one command line, printing its output or a clear error; never throws for user errors.</summary>
    public async Task<Outcome> ExecuteAsync(string line, CancellationToken ct = default)
    {
        line = line.Trim();
        if (line.Length == 0 || line.StartsWith('#')) return new(true, false);
        List<string> words;
        try
        {
            words = CommandLineTokenizer.Split(line);
        }
        catch (FormatException e)
        {
            WriteError(e.Message);
            return new(false, false);
        }
        if (words[0] is not ("history" or "redo")) _history.Add(line);
        string name = words[0];
        try
        {
            return new(await RunAsync(name, words, ct).ConfigureAwait(false), name is "quit" or "exit");
        }
        catch (ShellException e)
        {
            WriteError(e.Message);
        }
        catch (FormatException e)
        {
            WriteError(e.Message);
            if (Usage.TryGetValue(name, out var usage)) WriteError(usage);
        }
        catch (ArgumentException e)
        {
            WriteError(e.Message);
        }
        catch (ZooKeeperException e)
        {
            WriteError(Describe(e));
        }
        catch (ObjectDisposedException)
        {
            WriteError("Not connected (use: connect host:port)");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            WriteError("Timed out waiting for the server");
        }
        return new(false, false);
    }

    /// <summary>zkCli's messages for the common errors; KeeperErrorCode text for the rest.</summary>
    public static string Describe(ZooKeeperException e) => e.Code switch
    {
        ErrorCode.NoNode => $"Node does not exist: {e.Path}",
        ErrorCode.NodeExists => $"Node already exists: {e.Path}",
        ErrorCode.NotEmpty => $"Node not empty: {e.Path}",
        ErrorCode.BadVersion => $"version No is not valid : {e.Path}",
        ErrorCode.NoAuth => $"Insufficient permission : {e.Path}",
        ErrorCode.NoChildrenForEphemerals => $"Ephemerals cannot have children: {e.Path}",
        ErrorCode.InvalidAcl => $"Acl is not valid : {e.Path}",
        ErrorCode.QuotaExceeded => $"Quota has exceeded : {e.Path}",
        ErrorCode.Unimplemented when e.Path is not null => $"{e.Message} (is the server's extendedTypesEnabled on for TTL nodes?)",
        _ => e.Message,
    };

    private async Task<bool> RunAsync(string name, List<string> words, CancellationToken ct)
    {
        switch (name)
        {
            case "help": PrintHelp(); return true;
            case "quit": case "exit": return true;
            case "history":
                for (int i = 0; i < _history.Count; i++) WriteLine($"{i} - {_history[i]}");
                return true;
            case "redo":
            {
                var a = ParsedArgs.Parse(words, "", "");
                if (a.Positional.Count != 1 || !int.TryParse(a.Positional[0], out int n) || n < 0 || n >= _history.Count)
                    throw new ShellException($"Command index out of range (history has {_history.Count} entries)");
                return (await ExecuteAsync(_history[n], ct).ConfigureAwait(false)).Ok;
            }
            case "printwatches":
            {
                var a = ParsedArgs.Parse(words, "", "");
                if (a.Positional.Count == 0) { WriteLine($"printwatches is {(_printWatches ? "on" : "off")}"); return true; }
                _printWatches = a.Positional[0] switch
                {
                    "on" => true,
                    "off" => false,
                    var other => throw new FormatException($"printwatches takes on or off, not {other}"),
                };
                return true;
            }
            case "connect":
            {
                var a = ParsedArgs.Parse(words, "", "");
                await ConnectAsync(a.Positional.Count > 0 ? a.Positional[0] : _server, ct).ConfigureAwait(false);
                return State == ConnectionState.Connected;
            }
            case "close":
                await CloseClientAsync().ConfigureAwait(false);
                return true;
            case "ls": return await LsAsync(words, ct).ConfigureAwait(false);
            case "get": return await GetAsync(words, ct).ConfigureAwait(false);
            case "set": return await SetAsync(words, ct).ConfigureAwait(false);
            case "create": return await CreateAsync(words, ct).ConfigureAwait(false);
            case "delete":
            {
                var a = ParsedArgs.Parse(words, "", "v");
                await Client.DeleteAsync(PathArg(a, name), VersionArg(a), ct).ConfigureAwait(false);
                return true;
            }
            case "deleteall": case "rmr":
            {
                var a = ParsedArgs.Parse(words, "", "b");
                await Client.DeleteRecursiveAsync(PathArg(a, name), ct).ConfigureAwait(false);
                return true;
            }
            case "stat": return await StatAsync(words, ct).ConfigureAwait(false);
            case "sync":
            {
                var a = ParsedArgs.Parse(words, "", "");
                await Client.SyncAsync(PathArg(a, name), ct).ConfigureAwait(false);
                WriteLine("Sync is OK");
                return true;
            }
            case "addWatch": return await AddWatchAsync(words, ct).ConfigureAwait(false);
            case "removewatches": return await RemoveWatchesAsync(words, ct).ConfigureAwait(false);
            case "getAcl":
            {
                var a = ParsedArgs.Parse(words, "s", "");
                var acl = await Client.GetAclAsync(PathArg(a, name), ct).ConfigureAwait(false);
                WriteLine(StatFormatter.FormatAcl(acl.Acl));
                if (a.Has('s')) WriteLine(StatFormatter.Format(acl.Stat));
                return true;
            }
            case "setAcl": return await SetAclAsync(words, ct).ConfigureAwait(false);
            case "addauth":
            {
                var a = ParsedArgs.Parse(words, "", "");
                if (a.Positional.Count < 1) throw new FormatException("addauth needs a scheme");
                await Client.AddAuthAsync(a.Positional[0], a.Positional.Count > 1 ? a.Positional[1] : "", ct).ConfigureAwait(false);
                return true;
            }
            case "getEphemerals":
            {
                var a = ParsedArgs.Parse(words, "", "");
                var list = await Client.GetEphemeralsAsync(a.Positional.Count > 0 ? a.Positional[0] : "/", ct).ConfigureAwait(false);
                WriteLine("[" + string.Join(", ", list.Order(StringComparer.Ordinal)) + "]");
                return true;
            }
            case "getAllChildrenNumber":
            {
                var a = ParsedArgs.Parse(words, "", "");
                WriteLine((await Client.GetAllChildrenNumberAsync(PathArg(a, name), ct).ConfigureAwait(false)).ToString());
                return true;
            }
            case "whoami":
            {
                var who = await Client.WhoAmIAsync(ct).ConfigureAwait(false);
                WriteLine("Auth scheme: User");
                foreach (var info in who) WriteLine($"{info.AuthScheme}: {info.User}");
                return true;
            }
            case "tree": return await TreeAsync(words, ct).ConfigureAwait(false);
            case "setquota": return await SetQuotaAsync(words, ct).ConfigureAwait(false);
            case "listquota": return await ListQuotaAsync(words, ct).ConfigureAwait(false);
            case "delquota": return await DelQuotaAsync(words, ct).ConfigureAwait(false);
            default:
                WriteError($"Unknown command: {name}. Type \"help\" for the list of commands.");
                return false;
        }
    }

    private void PrintHelp()
    {
        var text = new StringBuilder("ZooKeeper -server host:port -client-configuration properties-file cmd args\n");
        foreach (var usage in Usage.Values) text.Append('\t').Append(usage).Append('\n');
        WriteLine(text.ToString().TrimEnd('\n'));
    }

    private static string PathArg(ParsedArgs a, string command)
    {
        if (a.Positional.Count == 0) throw new FormatException($"{command}: missing path");
        return a.Positional[0];
    }

    private static int VersionArg(ParsedArgs a) =>
        a.Value('v') is { } v ? int.TryParse(v, out int n) ? n : throw new FormatException($"version {v} is not a number") : -1;

    private async Task<bool> LsAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "swR", "");
        string path = PathArg(a, "ls");
        if (a.Has('R'))
        {
            await VisitAsync(path, p => WriteLine(p), ct).ConfigureAwait(false);
            return true;
        }
        NodeChildren children;
        if (a.Has('w'))
        {
            var watched = await Client.GetChildrenWatchAsync(path, ct).ConfigureAwait(false);
            PrintWhenFired(watched.Changed);
            children = watched.Value;
        }
        else children = await Client.GetChildrenAsync(path, ct).ConfigureAwait(false);
        WriteLine("[" + string.Join(", ", children.Children.Order(StringComparer.Ordinal)) + "]");
        if (a.Has('s')) WriteLine(StatFormatter.Format(children.Stat));
        return true;
    }

    /// <summary>Depth-first, parents before children, siblings sorted (ZKUtil.visitSubTreeDFS).</summary>
    private async Task VisitAsync(string path, Action<string> visit, CancellationToken ct)
    {
        visit(path);
        var children = await Client.GetChildrenAsync(path, ct).ConfigureAwait(false);
        foreach (var child in children.Children.Order(StringComparer.Ordinal))
            await VisitAsync(PathUtils.Combine(path, child), visit, ct).ConfigureAwait(false);
    }

    private async Task<bool> GetAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "sw", "");
        string path = PathArg(a, "get");
        NodeData data;
        if (a.Has('w'))
        {
            var watched = await Client.GetDataWatchAsync(path, ct).ConfigureAwait(false);
            PrintWhenFired(watched.Changed);
            data = watched.Value;
        }
        else data = await Client.GetDataAsync(path, ct).ConfigureAwait(false);
        WriteLine(data.Data is null ? "null" : Encoding.UTF8.GetString(data.Data));
        if (a.Has('s')) WriteLine(StatFormatter.Format(data.Stat));
        return true;
    }

    private async Task<bool> SetAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "s", "v");
        if (a.Positional.Count < 2) throw new FormatException("set: missing path or data");
        var stat = await Client.SetDataAsync(a.Positional[0], Encoding.UTF8.GetBytes(a.Positional[1]), VersionArg(a), ct).ConfigureAwait(false);
        if (a.Has('s')) WriteLine(StatFormatter.Format(stat));
        return true;
    }

    private async Task<bool> CreateAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "sec", "t");
        string path = PathArg(a, "create");
        bool seq = a.Has('s'), eph = a.Has('e'), container = a.Has('c');
        TimeSpan? ttl = null;
        if (a.Value('t') is { } t)
            ttl = long.TryParse(t, out long ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : throw new FormatException($"ttl {t} is not a positive number of milliseconds");
        if (container && (seq || eph || ttl is not null)) throw new ShellException("-c cannot be combined with -s, -e or -t");
        if (eph && ttl is not null) throw new ShellException("TTLs cannot be used with Ephemeral znodes");
        var mode = container ? CreateMode.Container
            : ttl is not null ? (seq ? CreateMode.PersistentSequentialWithTtl : CreateMode.PersistentWithTtl)
            : (seq, eph) switch
            {
                (true, true) => CreateMode.EphemeralSequential,
                (true, false) => CreateMode.PersistentSequential,
                (false, true) => CreateMode.Ephemeral,
                _ => CreateMode.Persistent,
            };
        byte[]? data = a.Positional.Count > 1 ? Encoding.UTF8.GetBytes(a.Positional[1]) : null;
        IReadOnlyList<Acl>? acl = a.Positional.Count > 2 ? StatFormatter.ParseAcl(a.Positional[2]) : null;
        var created = await Client.CreateAsync(path, data, mode, acl, ttl, ct).ConfigureAwait(false);
        WriteLine($"Created {created.Path}");
        return true;
    }

    private async Task<bool> StatAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "w", "");
        string path = PathArg(a, "stat");
        Stat? stat;
        if (a.Has('w'))
        {
            var watched = await Client.ExistsWatchAsync(path, ct).ConfigureAwait(false);
            PrintWhenFired(watched.Changed);
            stat = watched.Value;
        }
        else stat = await Client.ExistsAsync(path, ct).ConfigureAwait(false);
        if (stat is null) throw new NoNodeException(path);
        WriteLine(StatFormatter.Format(stat.Value));
        return true;
    }

    private async Task<bool> SetAclAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "sR", "v");
        if (a.Positional.Count < 2) throw new FormatException("setAcl: missing path or acl");
        var acl = StatFormatter.ParseAcl(a.Positional[1]);
        string path = a.Positional[0];
        if (a.Has('R'))
        {
            var paths = new List<string>();
            await VisitAsync(path, paths.Add, ct).ConfigureAwait(false);
            foreach (var p in paths) await Client.SetAclAsync(p, acl, -1, ct).ConfigureAwait(false);
            return true;
        }
        var stat = await Client.SetAclAsync(path, acl, VersionArg(a), ct).ConfigureAwait(false);
        if (a.Has('s')) WriteLine(StatFormatter.Format(stat));
        return true;
    }

    private async Task<bool> AddWatchAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "", "m");
        string path = PathArg(a, "addWatch");
        var mode = (a.Value('m') ?? "PERSISTENT_RECURSIVE").ToUpperInvariant() switch
        {
            "PERSISTENT" => AddWatchMode.Persistent,
            "PERSISTENT_RECURSIVE" => AddWatchMode.PersistentRecursive,
            var other => throw new FormatException($"{other} is not a valid mode; use PERSISTENT or PERSISTENT_RECURSIVE"),
        };
        var watch = await Client.AddWatchAsync(path, mode, ct).ConfigureAwait(false);
        var stop = new CancellationTokenSource();
        _persistent.Add(new PersistentWatchHandle(watch, stop));
        _ = PrintStreamAsync(watch, stop.Token);
        return true;
    }

    private async Task PrintStreamAsync(PersistentWatch watch, CancellationToken ct)
    {
        try
        {
            await foreach (var e in watch.WithCancellation(ct).ConfigureAwait(false)) PrintEvent(e);
        }
        catch (OperationCanceledException) { }
        catch (ZooKeeperException) { /* session over: the state event was printed */ }
    }

    private async Task<bool> RemoveWatchesAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "cdal", "");
        string path = PathArg(a, "removewatches");
        var type = a.Has('c') ? WatcherType.Children : a.Has('d') ? WatcherType.Data : WatcherType.Any;
        bool removedPersistent = false;
        if (type == WatcherType.Any)
        {
            foreach (var handle in _persistent.Where(h => h.Watch.Path == path).ToList())
            {
                _persistent.Remove(handle);
                handle.Cancel();
                await handle.Watch.DisposeAsync().ConfigureAwait(false);
                removedPersistent = true;
            }
        }
        try
        {
            await Client.RemoveWatchesAsync(path, type, a.Has('l'), ct).ConfigureAwait(false);
        }
        catch (NoWatcherException) when (removedPersistent)
        {
        }
        return true;
    }

    private async Task<bool> TreeAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "", "");
        string path = a.Positional.Count > 0 ? a.Positional[0] : "/";
        if (await Client.ExistsAsync(path, ct).ConfigureAwait(false) is null) throw new NoNodeException(path);
        var lines = new List<string> { path };
        await DrawAsync(path, "", lines, ct).ConfigureAwait(false);
        WriteLine(string.Join('\n', lines));
        return true;
    }

    private async Task DrawAsync(string path, string indent, List<string> lines, CancellationToken ct)
    {
        NodeChildren children;
        try
        {
            children = await Client.GetChildrenAsync(path, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return; // deleted while drawing
        }
        var names = children.Children.Order(StringComparer.Ordinal).ToList();
        for (int i = 0; i < names.Count; i++)
        {
            bool last = i == names.Count - 1;
            lines.Add(indent + (last ? "└── " : "├── ") + names[i]);
            await DrawAsync(PathUtils.Combine(path, names[i]), indent + (last ? "    " : "│   "), lines, ct).ConfigureAwait(false);
        }
    }

    private void PrintWhenFired(Task<WatchedEvent> changed) =>
        _ = changed.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) PrintEvent(t.Result);
        }, TaskScheduler.Default);
}
