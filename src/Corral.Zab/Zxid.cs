namespace Corral.Zab;

/// <summary>
/// A ZooKeeper transaction id: the epoch in the high 32 bits, a per-epoch counter in the low 32 bits.
/// Zxids compare as plain signed longs. No transaction ever has counter 0: a counter-0 zxid names
/// an epoch (NEWLEADER and its ACK), never a log position.
/// </summary>
public static class Zxid
{
    public const long CounterMask = 0xffffffffL;

    public static long Make(long epoch, long counter) => (epoch << 32) | (counter & CounterMask);
    public static long EpochOf(long zxid) => zxid >> 32;
    public static long CounterOf(long zxid) => zxid & CounterMask;
    public static bool IsEpochStart(long zxid) => CounterOf(zxid) == 0;

    /// <summary>Readable form used in traces: epoch.counter in hex, like ZooKeeper's logs.</summary>
    public static string Format(long zxid) => zxid < 0 ? zxid.ToString() : $"{EpochOf(zxid):x}.{CounterOf(zxid):x}";
}
