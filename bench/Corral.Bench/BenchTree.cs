using System.Text;
using Corral.Protocol;

namespace Corral.Bench;

/// <summary>
/// Creates the bench's subtree before a run (root, parents, and the key znodes holding
/// self-verifying values) and removes it afterwards. Re-running over a leftover tree is fine:
/// existing keys are overwritten with fresh values.
/// </summary>
public static class BenchTree
{
    public static bool UsesKeys(BenchWorkload workload) =>
        workload is BenchWorkload.Get or BenchWorkload.Set or BenchWorkload.Mix or BenchWorkload.Multi or BenchWorkload.Watch;

    public static byte[][] KeyPaths(BenchOptions options) =>
        Enumerable.Range(0, options.Keys)
            .Select(k => Encoding.UTF8.GetBytes($"{options.KeysPath}/{BenchOptions.KeyName(k)}"))
            .ToArray();

    public static async Task CreateAsync(WireConnection connection, BenchOptions options, byte[][] keyPaths, CancellationToken ct)
    {
        string[] parents = [options.Root, options.KeysPath, options.CreateDeletePath, options.SequentialPath, options.MultiPath];
        await CreateAllAsync(connection, parents.Select(Encoding.UTF8.GetBytes).ToArray(), options, null, ct).ConfigureAwait(false);
        if (UsesKeys(options.Workload))
            await CreateAllAsync(connection, keyPaths, options, k => k, ct).ConfigureAwait(false);
    }

    // Creates every path (value: the payload of key keyOf(i), or empty); those that exist get the value by setData.
    private static async Task CreateAllAsync(WireConnection connection, byte[][] paths, BenchOptions options, Func<int, int>? keyOf, CancellationToken ct)
    {
        var data = new byte[keyOf is null ? 0 : options.Size];
        var existing = new List<int>();
        await Pipeline.RunAsync(connection, paths.Length, options.Window,
            (i, xid, output) =>
            {
                if (keyOf is not null) Payload.Fill(data, keyOf(i), 0);
                RequestEncoder.Create(output, xid, paths[i], data, CreateMode.Persistent);
            },
            (i, header, _) =>
            {
                if (header.Err == ErrorCode.NodeExists) existing.Add(i);
                else if (header.Err != ErrorCode.Ok) throw SetupFailed("create", paths[i], header.Err);
            }, ct).ConfigureAwait(false);
        if (keyOf is null || existing.Count == 0) return;
        await Pipeline.RunAsync(connection, existing.Count, options.Window,
            (j, xid, output) =>
            {
                Payload.Fill(data, keyOf(existing[j]), 0);
                RequestEncoder.SetData(output, xid, paths[existing[j]], data);
            },
            (j, header, _) =>
            {
                if (header.Err != ErrorCode.Ok) throw SetupFailed("setData", paths[existing[j]], header.Err);
            }, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes the bench subtree (two levels deep); what cannot be deleted is added to <paramref name="errors"/>.</summary>
    public static async Task DeleteAsync(WireConnection connection, BenchOptions options, ErrorTally errors, CancellationToken ct)
    {
        foreach (var parent in new[] { options.KeysPath, options.CreateDeletePath, options.SequentialPath, options.MultiPath })
        {
            var children = await GetChildrenAsync(connection, parent, ct).ConfigureAwait(false);
            var paths = children.Select(c => Encoding.UTF8.GetBytes($"{parent}/{c}")).Append(Encoding.UTF8.GetBytes(parent)).ToArray();
            await DeleteAllAsync(connection, paths, options.Window, errors, ct).ConfigureAwait(false);
        }
        await DeleteAllAsync(connection, [Encoding.UTF8.GetBytes(options.Root)], 1, errors, ct).ConfigureAwait(false);
    }

    private static async Task<List<string>> GetChildrenAsync(WireConnection connection, string path, CancellationToken ct)
    {
        var children = new List<string>();
        await Pipeline.RunAsync(connection, 1, 1,
            (_, xid, output) => RequestEncoder.GetChildren(output, xid, Encoding.UTF8.GetBytes(path)),
            (_, header, body) =>
            {
                if (header.Err == ErrorCode.NoNode) return;
                if (header.Err != ErrorCode.Ok) throw SetupFailed("getChildren", Encoding.UTF8.GetBytes(path), header.Err);
                var reader = new JuteReader(body);
                children.AddRange(reader.ReadStringVector() ?? []);
            }, ct).ConfigureAwait(false);
        return children;
    }

    private static Task DeleteAllAsync(WireConnection connection, byte[][] paths, int window, ErrorTally errors, CancellationToken ct) =>
        Pipeline.RunAsync(connection, paths.Length, window,
            (i, xid, output) => RequestEncoder.Delete(output, xid, paths[i]),
            (i, header, _) =>
            {
                if (header.Err is not (ErrorCode.Ok or ErrorCode.NoNode))
                    errors.Add($"clean-up: delete {Encoding.UTF8.GetString(paths[i])}: {ErrorTally.ErrorName(header.Err)}");
            }, ct);

    private static WireException SetupFailed(string op, byte[] path, ErrorCode err) =>
        new($"set-up failed: {op} {Encoding.UTF8.GetString(path)}: {ErrorTally.ErrorName(err)}");
}
