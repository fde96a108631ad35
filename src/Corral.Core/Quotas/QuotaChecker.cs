using Corral.Core.Tree;
using Corral.Protocol;

namespace Corral.Core.Quotas;

/// <summary>
/// ZooKeeper 3.8's quota check (ZooKeeperServer.checkQuota), run when a create or setData is
/// prepared: against the usage in the applied tree (like ZooKeeper, not counting writes still in
/// flight), the write's change in node count (create: +1) and bytes is compared with the deepest
/// quota above the path. Per dimension the hard limit is used when set, else the soft one. With
/// <c>enforceQuota</c> a write over a hard limit fails with QUOTAEXCEEDED; going over a soft limit
/// (or over any limit while enforcement is off) is only reported through <see cref="Warning"/> and
/// counted. ZooKeeper 3.8 reports soft overruns only while enforceQuota is on; Corral always does,
/// which changes nothing on the wire.
/// </summary>
public sealed class QuotaChecker(DataTree tree, bool enforce, Action<string>? warning = null)
{
    /// <summary>Writes that went over a limit without being refused.</summary>
    public long SoftLimitExceeded { get; private set; }

    /// <summary>Writes refused with QUOTAEXCEEDED.</summary>
    public long HardLimitRejected { get; private set; }

    /// <summary>Called with ZooKeeper's message ("Quota exceeded: /a [current count=4, softCountLimit=3]").</summary>
    public Action<string>? Warning { get; set; } = warning;

    /// <summary>create: one more node with <paramref name="dataLength"/> bytes under <paramref name="path"/>.</summary>
    public ErrorCode CheckCreate(string path, int dataLength) => Check(path, dataLength, 1);

    /// <summary>setData: the node's data goes from <paramref name="oldLength"/> to <paramref name="newLength"/> bytes.</summary>
    public ErrorCode CheckSetData(string path, int oldLength, int newLength) => Check(path, newLength - oldLength, 0);

    private ErrorCode Check(string path, long bytesDiff, long countDiff)
    {
        if (tree.QuotaRootOf(path) is not { } root) return ErrorCode.Ok;
        var (limits, usage) = tree.ReadQuota(root);
        bool checkCount = countDiff != 0 && (limits.Count > -1 || limits.CountHardLimit > -1);
        bool checkBytes = bytesDiff != 0 && (limits.Bytes > -1 || limits.ByteHardLimit > -1);
        if (checkCount && Exceeds(root, "count", "Count", usage.Count + countDiff, limits.Count, limits.CountHardLimit))
            return ErrorCode.QuotaExceeded;
        if (checkBytes && Exceeds(root, "bytes", "Byte", usage.Bytes + bytesDiff, limits.Bytes, limits.ByteHardLimit))
            return ErrorCode.QuotaExceeded;
        return ErrorCode.Ok;
    }

    /// <summary>True when the write must be refused; reports and counts every overrun.</summary>
    private bool Exceeds(string root, string what, string limitName, long newValue, long softLimit, long hardLimit)
    {
        bool hard = hardLimit > -1;
        long limit = hard ? hardLimit : softLimit;
        if (newValue <= limit) return false;
        Warning?.Invoke($"Quota exceeded: {root} [current {what}={newValue}, {(hard ? "hard" : "soft")}{limitName}Limit={limit}]");
        if (hard && enforce)
        {
            HardLimitRejected++;
            return true;
        }
        SoftLimitExceeded++;
        return false;
    }
}
