namespace Corral.Core.Quotas;

/// <summary>
/// Where ZooKeeper keeps quotas: a quota on /a/b lives in /zookeeper/quota/a/b/zookeeper_limits (the
/// limits, set by the operator) and /zookeeper/quota/a/b/zookeeper_stats (the usage the server keeps).
/// </summary>
public static class QuotaPaths
{
    public const string ProcZookeeper = "/zookeeper";
    public const string QuotaRoot = "/zookeeper/quota";
    public const string LimitNode = "zookeeper_limits";
    public const string StatNode = "zookeeper_stats";

    /// <summary>/zookeeper/quota + path.</summary>
    public static string QuotaPath(string path) => QuotaRoot + path;

    public static string LimitPath(string path) => QuotaRoot + path + "/" + LimitNode;

    public static string StatPath(string path) => QuotaRoot + path + "/" + StatNode;

    /// <summary>The quota'd path a node under /zookeeper/quota stands for ("/zookeeper/quota/a" -> "/a").</summary>
    public static string TrimQuotaPath(string quotaPath) => quotaPath[QuotaRoot.Length..];
}
