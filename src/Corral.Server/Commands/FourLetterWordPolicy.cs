namespace Corral.Server.Commands;

/// <summary>
/// Which four-letter words Corral answers. Recognising a word (the first four bytes of a new
/// connection) is Corral.Protocol's <see cref="Corral.Protocol.FourLetterWords"/>; this decides what
/// to do with it: answer it, or refuse it with ZooKeeper's whitelist message.
/// </summary>
public static class FourLetterWordPolicy
{
    /// <summary>The words Corral answers (ZooKeeper 3.8's, less the trace-mask words gtmk/stmk).</summary>
    public static readonly IReadOnlySet<string> Implemented = new HashSet<string>(StringComparer.Ordinal)
    {
        "ruok", "isro", "srvr", "stat", "mntr", "conf", "envi", "cons", "crst", "srst", "dump", "wchs", "wchc", "wchp", "dirs", "hash",
    };

    /// <summary>
    /// Resolves the configured whitelist ("*" = everything implemented) to the words that will be
    /// answered. srvr is always allowed, as in ZooKeeper (zkServer.sh status depends on it).
    /// </summary>
    public static IReadOnlySet<string> EffectiveWhitelist(IReadOnlySet<string> configured)
    {
        var words = configured.Contains("*")
            ? new HashSet<string>(Implemented, StringComparer.Ordinal)
            : configured.Where(Implemented.Contains).ToHashSet(StringComparer.Ordinal);
        words.Add("srvr");
        return words;
    }

    /// <summary>ZooKeeper's exact refusal text for a known word that is not whitelisted.</summary>
    public static string Refusal(string word) => $"{word} is not executed because it is not in the whitelist.\n";
}
