using System.Globalization;

namespace Corral.Bench;

/// <summary>
/// CPU time (user + system, all threads) of another process, read from /proc/&lt;pid&gt;/stat.
/// The kernel counts in clock ticks of 1/100 s on every Linux architecture .NET runs on
/// (USER_HZ is fixed at 100 in the kernel ABI), so a measurement window of a few seconds is
/// resolved to about 1%.
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100.0;

    /// <summary>CPU seconds used so far by <paramref name="pid"/>, or null when it cannot be read.</summary>
    public static double? TryReadSeconds(int pid)
    {
        try
        {
            return ParseStat(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        catch (FormatException) { return null; }
    }

    /// <summary>Sums utime and stime (fields 14 and 15) of a /proc stat line, in seconds.</summary>
    public static double ParseStat(string stat)
    {
        // The command name (field 2) is in parentheses and may itself hold spaces and ')'.
        int close = stat.LastIndexOf(')');
        if (close < 0) throw new FormatException("no command name in /proc stat line");
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13) throw new FormatException("truncated /proc stat line");
        long utime = long.Parse(fields[11], CultureInfo.InvariantCulture);   // field 14
        long stime = long.Parse(fields[12], CultureInfo.InvariantCulture);   // field 15
        return (utime + stime) / TicksPerSecond;
    }

    /// <summary>Total CPU seconds of all given processes; null when any cannot be read.</summary>
    public static double? TryReadTotal(IReadOnlyList<int> pids)
    {
        double total = 0;
        foreach (int pid in pids)
        {
            if (TryReadSeconds(pid) is not { } seconds) return null;
            total += seconds;
        }
        return total;
    }
}
