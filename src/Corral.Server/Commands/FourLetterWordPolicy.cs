namespace Corral.Server.Commands;

/// <summary>
/// Which four-letter words Corral answers. Recognising a word (the first four bytes of a new
/// connection) is Corral.Protocol's <see cref="Corral.Protocol.FourLetterWords"/>; this decides what
/// to do with it: answer it, or refuse it with ZooKeeper's whitelist message.
/// </summary>
public static class FourLetterWordPolicy
{
    /// <summary>The words Corral answers. Others are refused as if not whitelisted.</summary>
    public static readonly IReadOnlySet<string> Implemented =
        new HashSet<string>(StringComparer.Ordinal) { "ruok", "srvr", "stat", "mntr", "isro" };

    /// <summary>Resolves the configured whitelist ("*" = everything implemented) to the words that will be answered.</summary>
    public static IReadOnlySet<string> EffectiveWhitelist(IReadOnlySet<string> configured) =>
        configured.Contains("*")
            ? Implemented
            : configured.Where(Implemented.Contains).ToHashSet(StringComparer.Ordinal);

    /// <summary>ZooKeeper's exact refusal text for a known word that is not whitelisted.</summary>
    public static string Refusal(string word) => $"{word} is not executed because it is not in the whitelist.\n";
}
