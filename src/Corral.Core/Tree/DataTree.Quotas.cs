using Corral.Core.Quotas;

namespace Corral.Core.Tree;

/// <summary>
/// Quota bookkeeping, as ZooKeeper's DataTree does it: the set of quota'd paths (every path with a
/// /zookeeper/quota/...path.../zookeeper_limits node), and the usage in each zookeeper_stats node
/// (count = nodes in the subtree including its root, bytes = their data), updated by every create,
/// delete and setData applied under a quota'd path. Changing a stats node touches only its data, not
/// its version or zxids, exactly like ZooKeeper; the digest follows the change. Apply calls the
/// On* hooks only for operations that succeeded, so a replayed transaction never counts twice.
/// </summary>
public sealed partial class DataTree
{
    private readonly HashSet<string> _quotaRoots = new(StringComparer.Ordinal);

    /// <summary>The paths that have a quota (a zookeeper_limits node).</summary>
    public IReadOnlyCollection<string> QuotaRoots => _quotaRoots;

    /// <summary>
    /// The deepest quota'd path that is <paramref name="path"/> or one of its ancestors; null when none.
    /// Like ZooKeeper, "/" itself never carries a quota.
    /// </summary>
    public string? QuotaRootOf(string path)
    {
        if (_quotaRoots.Count == 0) return null; // the common case costs nothing
        for (string p = path; p.Length > 1; p = ZPath.Parent(p))
            if (_quotaRoots.Contains(p)) return p;
        return null;
    }

    /// <summary>The quota's limits and current usage, read from its nodes (absent nodes read as no limit / zero use).</summary>
    public (StatsTrack Limits, StatsTrack Usage) ReadQuota(string quotaRoot) =>
        (ReadTrack(QuotaPaths.LimitPath(quotaRoot)), ReadTrack(QuotaPaths.StatPath(quotaRoot)));

    private StatsTrack ReadTrack(string path) =>
        Find(path) is { } node ? StatsTrack.Parse(node.Data) : new StatsTrack();

    private void OnQuotaCreated(string path, string parentPath, string childName, int dataLength)
    {
        if (parentPath.StartsWith(QuotaPaths.QuotaRoot, StringComparison.Ordinal))
        {
            string quotaRoot = QuotaPaths.TrimQuotaPath(parentPath);
            if (childName == QuotaPaths.LimitNode && quotaRoot.Length > 1) _quotaRoots.Add(quotaRoot);
            if (childName == QuotaPaths.StatNode && quotaRoot.Length > 1) RecountQuota(quotaRoot);
        }
        if (QuotaRootOf(path) is { } root) AddToQuotaStats(root, 1, dataLength);
    }

    private void OnQuotaDeleted(string path, string parentPath, string childName, int dataLength)
    {
        if (childName == QuotaPaths.LimitNode && parentPath.StartsWith(QuotaPaths.QuotaRoot, StringComparison.Ordinal))
            _quotaRoots.Remove(QuotaPaths.TrimQuotaPath(parentPath));
        if (QuotaRootOf(path) is { } root) AddToQuotaStats(root, -1, -dataLength);
    }

    private void OnQuotaDataChanged(string path, int oldLength, int newLength)
    {
        if (oldLength != newLength && QuotaRootOf(path) is { } root) AddToQuotaStats(root, 0, newLength - oldLength);
    }

    private void AddToQuotaStats(string quotaRoot, long countDelta, long bytesDelta)
    {
        string statPath = QuotaPaths.StatPath(quotaRoot);
        if (Find(statPath) is not { } statNode) return; // ZooKeeper logs "Missing node for stat" and goes on
        var usage = StatsTrack.Parse(statNode.Data);
        usage.Count += countDelta;
        usage.Bytes += bytesDelta;
        ReplaceQuotaNodeData(statPath, statNode, usage.ToBytes());
    }

    /// <summary>Sets a stats node to the real usage of its subtree (ZooKeeper's updateQuotaForPath).</summary>
    private void RecountQuota(string quotaRoot)
    {
        string statPath = QuotaPaths.StatPath(quotaRoot);
        if (Find(statPath) is not { } statNode) return;
        var usage = new StatsTrack { Count = 0, Bytes = 0 };
        if (Find(quotaRoot) is { } top)
        {
            var stack = new Stack<ZNode>();
            stack.Push(top);
            while (stack.TryPop(out var n))
            {
                usage.Count++;
                usage.Bytes += n.DataLength;
                if (n.Children is { } children)
                    foreach (var c in children) stack.Push(c);
            }
        }
        ReplaceQuotaNodeData(statPath, statNode, usage.ToBytes());
    }

    private void ReplaceQuotaNodeData(string path, ZNode node, byte[] data)
    {
        long raw = RawOwner(node);
        Digest -= TreeDigest.NodeHash(path, node, raw);
        ApproximateDataSize += data.Length - node.DataLength;
        node.SetData(data, isNull: false);
        Digest += TreeDigest.NodeHash(path, node, raw);
    }

    /// <summary>
    /// After loading a snapshot: finds every quota under /zookeeper/quota and recounts its usage from
    /// the tree (ZooKeeper's setupQuota), so a snapshot taken while writes went on cannot leave
    /// counts that replaying the log would then skew.
    /// </summary>
    private void RebuildQuotas()
    {
        _quotaRoots.Clear();
        if (Find(QuotaPaths.QuotaRoot) is not { } quotaTop) return;
        var stack = new Stack<(string Path, ZNode Node)>();
        stack.Push((QuotaPaths.QuotaRoot, quotaTop));
        var roots = new List<string>();
        while (stack.TryPop(out var entry))
        {
            if (entry.Node.Children is not { } children) continue;
            foreach (var c in children)
            {
                string name = c.Name;
                if (name == QuotaPaths.LimitNode)
                {
                    string root = QuotaPaths.TrimQuotaPath(entry.Path);
                    if (root.Length > 1) roots.Add(root);
                }
                else stack.Push((entry.Path + "/" + name, c));
            }
        }
        foreach (var root in roots)
        {
            _quotaRoots.Add(root);
            RecountQuota(root);
        }
    }
}
