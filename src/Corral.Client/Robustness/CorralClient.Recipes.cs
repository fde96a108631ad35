using Corral.Protocol;

namespace Corral.Client;

public sealed partial class CorralClient
{
    /// <summary>The prefix Curator gives protected nodes: "_c_" + a GUID + "-".</summary>
    public const string ProtectedPrefix = "_c_";

    /// <summary>
    /// Creates a node, first creating any missing ancestors as empty persistent nodes (an ancestor
    /// created concurrently by someone else is fine).
    /// </summary>
    public async Task<CreatedNode> CreateWithParentsAsync(string path, byte[]? data, CreateMode mode = CreateMode.Persistent,
        IReadOnlyList<Acl>? acl = null, TimeSpan? ttl = null, CancellationToken ct = default)
    {
        while (true)
        {
            try
            {
                return await CreateAsync(path, data, mode, acl, ttl, ct).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                await CreateAncestorsAsync(path, acl, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task CreateAncestorsAsync(string path, IReadOnlyList<Acl>? acl, CancellationToken ct)
    {
        var parent = PathUtils.ParentOf(path);
        var missing = new Stack<string>();
        for (var p = parent; p is not null && p != "/"; p = PathUtils.ParentOf(p))
        {
            if (await ExistsAsync(p, ct).ConfigureAwait(false) is not null) break;
            missing.Push(p);
        }
        while (missing.TryPop(out var p))
        {
            try
            {
                await CreateAsync(p, [], CreateMode.Persistent, acl, null, ct).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
            }
        }
    }

    /// <summary>
    /// Curator's protected create: the node's name is prefixed with "_c_&lt;guid&gt;-", so that when
    /// the connection is lost before the reply, the client can look for its own node among the
    /// parent's children instead of creating a second one (which, for an ephemeral sequential node,
    /// would leave an orphan holding e.g. a lock). Ancestors are created as needed. Retries on
    /// connection loss under the client's retry policy.
    /// </summary>
    public async Task<CreatedNode> CreateProtectedAsync(string path, byte[]? data, CreateMode mode = CreateMode.EphemeralSequential,
        IReadOnlyList<Acl>? acl = null, CancellationToken ct = default)
    {
        string parent = PathUtils.ParentOf(path) ?? throw new ArgumentException("cannot create the root", nameof(path));
        string guid = Guid.NewGuid().ToString();
        string marker = ProtectedPrefix + guid + "-";
        string protectedPath = PathUtils.Combine(parent, marker + PathUtils.NameOf(path));
        long start = _session.Time.GetTimestamp();
        bool mayExist = false;
        for (int retries = 0; ; retries++)
        {
            try
            {
                if (mayExist && await FindProtectedAsync(parent, marker, ct).ConfigureAwait(false) is { } found)
                    return found;
                return await CreateWithParentsAsync(protectedPath, data, mode, acl, null, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (Robustness.Retry.IsRetryable(e)
                && _options.RetryPolicy.ShouldRetry(retries, _session.Time.GetElapsedTime(start), out var delay))
            {
                // The create may have been applied before the connection broke: look before creating again.
                mayExist = true;
                if (delay > TimeSpan.Zero) await Task.Delay(delay, _session.Time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<CreatedNode?> FindProtectedAsync(string parent, string marker, CancellationToken ct)
    {
        NodeChildren children;
        try
        {
            children = await GetChildrenAsync(parent, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return null;
        }
        foreach (var name in children.Children)
        {
            if (!name.StartsWith(marker, StringComparison.Ordinal)) continue;
            string path = PathUtils.Combine(parent, name);
            if (await ExistsAsync(path, ct).ConfigureAwait(false) is { } stat) return new CreatedNode(path, stat);
        }
        return null;
    }

    /// <summary>Deletes a node and everything under it (zkCli's deleteall). A missing node is not an error.</summary>
    public async Task DeleteRecursiveAsync(string path, CancellationToken ct = default)
    {
        NodeChildren children;
        try
        {
            children = await GetChildrenAsync(path, ct).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return;
        }
        foreach (var child in children.Children)
            await DeleteRecursiveAsync(PathUtils.Combine(path, child), ct).ConfigureAwait(false);
        if (path == "/") return;
        while (true)
        {
            try
            {
                await DeleteAsync(path, -1, ct).ConfigureAwait(false);
                return;
            }
            catch (NoNodeException)
            {
                return;
            }
            catch (NotEmptyException)
            {
                // A child appeared meanwhile: delete it too, then try again.
                await DeleteRecursiveAsync(path, ct).ConfigureAwait(false);
                return;
            }
        }
    }
}
