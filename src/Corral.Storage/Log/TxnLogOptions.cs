namespace Corral.Storage.Log;

public sealed record TxnLogOptions
{
    /// <summary>
    /// fsync every batch before it is reported durable. Setting this to false is UNSAFE: a power
    /// loss or OS crash can lose acknowledged writes. Only for tests and throwaway servers
    /// (ZooKeeper's forceSync=no).
    /// </summary>
    public bool ForceSync { get; init; } = true;

    /// <summary>Space reserved on disk ahead of the data, in one step (ZooKeeper's preAllocSize, 64 MiB).</summary>
    public long PreallocationBytes { get; init; } = 64L << 20;

    /// <summary>Start a new segment once the current one holds this many bytes (besides the roll at each snapshot).</summary>
    public long SegmentRollBytes { get; init; } = 64L << 20;

    /// <summary>Largest accepted transaction payload; a larger length field is treated as damage.</summary>
    public int MaxRecordBytes { get; init; } = 16 << 20;
}
