namespace Corral.Storage;

/// <summary>
/// Zxid arithmetic: the high 32 bits are the epoch, the low 32 bits a counter within the epoch.
/// The continuity rule the log enforces: a transaction follows <c>prev</c> when it is
/// <c>prev + 1</c> in the same epoch, or the first transaction (counter 1) of a later epoch.
/// No transaction ever has counter 0 (Zab uses (epoch, 0) only as a marker).
/// </summary>
public static class Zxid
{
    public static long Make(long epoch, long counter) => (epoch << 32) | (counter & 0xFFFFFFFFL);
    public static long Epoch(long zxid) => (long)((ulong)zxid >> 32);
    public static long Counter(long zxid) => zxid & 0xFFFFFFFFL;

    /// <summary>True when a transaction with <paramref name="next"/> may directly follow one with <paramref name="previous"/>.</summary>
    public static bool IsSuccessor(long previous, long next)
    {
        if (Counter(next) == 0) return false;
        if (Epoch(next) == Epoch(previous)) return next == previous + 1;
        return Epoch(next) > Epoch(previous) && Counter(next) == 1;
    }

    /// <summary>Lower-case hex without padding, as in ZooKeeper file names (log.1a, snap.100000000).</summary>
    public static string ToHex(long zxid) => zxid.ToString("x");

    /// <summary>Human form for error messages: 0x100000005 (epoch 1, counter 5).</summary>
    public static string Describe(long zxid) => $"0x{zxid:x} (epoch {Epoch(zxid)}, counter {Counter(zxid)})";

    public static bool TryParseHex(ReadOnlySpan<char> text, out long zxid) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowHexSpecifier, null, out zxid) && text.Length <= 16;
}
