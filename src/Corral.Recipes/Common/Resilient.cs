using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes;

/// <summary>
/// How every recipe treats a broken connection: a ConnectionLoss (the session may still be alive)
/// is "suspended" — wait a little and try again, since the client queues requests until it has
/// reconnected; a SessionExpired is "lost" and propagates so the recipe can release and report.
/// </summary>
public static class Resilient
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    /// <summary>True for the errors after which the session may still be alive.</summary>
    public static bool IsSuspension(Exception e) => e is ConnectionLossException or OperationTimeoutException;

    /// <summary>Runs an idempotent operation until it succeeds, fails for another reason, or <paramref name="ct"/> fires.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await operation().ConfigureAwait(false);
            }
            catch (Exception e) when (IsSuspension(e))
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = delay * 2 > MaxBackoff ? MaxBackoff : delay * 2;
            }
        }
    }

    public static Task RunAsync(Func<Task> operation, CancellationToken ct) =>
        RunAsync(async () => { await operation().ConfigureAwait(false); return true; }, ct);

    /// <summary>Deletes a node, retrying through suspensions; a node already gone is fine.</summary>
    public static Task DeleteIfExistsAsync(CorralClient client, string path, CancellationToken ct = default) =>
        RunAsync(async () =>
        {
            try { await client.DeleteAsync(path, -1, ct).ConfigureAwait(false); }
            catch (NoNodeException) { }
        }, ct);

    /// <summary>Creates a persistent node and its ancestors unless it exists already.</summary>
    public static Task EnsurePathAsync(CorralClient client, string path, CancellationToken ct = default) =>
        RunAsync(async () =>
        {
            if (await client.ExistsAsync(path, ct).ConfigureAwait(false) is not null) return;
            try { await client.CreateWithParentsAsync(path, [], CreateMode.Persistent, null, null, ct).ConfigureAwait(false); }
            catch (NodeExistsException) { }
        }, ct);

    /// <summary>
    /// Curator's protected create, retried until it succeeds: the node's name starts with
    /// "_c_&lt;guid&gt;-", so after a ConnectionLoss the parent's children are searched for that
    /// marker before creating again. An ephemeral-sequential node therefore never has an orphan twin.
    /// </summary>
    public static async Task<CreatedNode> CreateProtectedAsync(CorralClient client, string parent, string name, byte[]? data,
        CreateMode mode, CancellationToken ct)
    {
        string marker = CorralClient.ProtectedPrefix + Guid.NewGuid().ToString() + "-";
        string path = PathUtils.Combine(parent, marker + name);
        var delay = TimeSpan.FromMilliseconds(20);
        bool mayExist = false;
        while (true)
        {
            // A cancelled caller must not leave a node behind either: once a create may have been
            // sent, keep going until we know (the caller deletes what it gets back).
            if (!mayExist) ct.ThrowIfCancellationRequested();
            try
            {
                if (mayExist && await FindByMarkerAsync(client, parent, marker).ConfigureAwait(false) is { } found) return found;
                return await client.CreateWithParentsAsync(path, data, mode).ConfigureAwait(false);
            }
            catch (Exception e) when (IsSuspension(e))
            {
                mayExist = true;
                await Task.Delay(delay, CancellationToken.None).ConfigureAwait(false);
                delay = delay * 2 > MaxBackoff ? MaxBackoff : delay * 2;
            }
        }
    }

    private static async Task<CreatedNode?> FindByMarkerAsync(CorralClient client, string parent, string marker)
    {
        NodeChildren children;
        try { children = await client.GetChildrenAsync(parent).ConfigureAwait(false); }
        catch (NoNodeException) { return null; }
        foreach (var child in children.Children)
        {
            if (!child.StartsWith(marker, StringComparison.Ordinal)) continue;
            string p = PathUtils.Combine(parent, child);
            if (await client.ExistsAsync(p).ConfigureAwait(false) is { } stat) return new CreatedNode(p, stat);
        }
        return null;
    }

    /// <summary>Waits for a one-shot watch, a deadline or cancellation; returns false on timeout.</summary>
    public static async Task<bool> WaitAsync(Task changed, TimeSpan? timeout, CancellationToken ct)
    {
        try
        {
            if (timeout is { } t) await changed.WaitAsync(t < TimeSpan.Zero ? TimeSpan.Zero : t, ct).ConfigureAwait(false);
            else await changed.WaitAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
