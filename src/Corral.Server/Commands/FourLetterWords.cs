using System.Buffers.Binary;
using System.Text;

namespace Corral.Server.Commands;

/// <summary>
/// Four-letter words, recognised (as ZooKeeper does) by the first four bytes of a new connection read
/// as a big-endian int. A real ConnectRequest starts with its length (0x0000002C or 0x0000002D), so
/// the two never collide.
/// </summary>
public static class FourLetterWords
{
    /// <summary>Every word Apache ZooKeeper 3.8/3.9 knows; a known word outside the whitelist gets the refusal text.</summary>
    public static readonly IReadOnlyList<string> Known =
    [
        "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro", "mntr",
        "ruok", "srst", "srvr", "stat", "stmk", "wchc", "wchp", "wchs",
    ];

    /// <summary>The words Corral answers. Others are refused as if not whitelisted.</summary>
    public static readonly IReadOnlySet<string> Implemented =
        new HashSet<string>(StringComparer.Ordinal) { "ruok", "srvr", "stat", "mntr", "isro" };

    /// <summary>telnet's IAC IP / IAC DO sequence (0xfff4fffd): ZooKeeper's "telnet close" pseudo-word.</summary>
    public const int TelnetClose = unchecked((int)0xfff4fffd);

    private static readonly Dictionary<int, string> ByCode =
        Known.ToDictionary(w => BinaryPrimitives.ReadInt32BigEndian(Encoding.ASCII.GetBytes(w)), w => w);

    /// <summary>True when <paramref name="head"/> (the first four bytes as a big-endian int) is a known word.</summary>
    public static bool TryRecognize(int head, out string word)
    {
        if (ByCode.TryGetValue(head, out var w)) { word = w; return true; }
        word = "";
        return false;
    }

    /// <summary>Resolves the configured whitelist ("*" = everything implemented) to the words that will be answered.</summary>
    public static IReadOnlySet<string> EffectiveWhitelist(IReadOnlySet<string> configured) =>
        configured.Contains("*")
            ? Implemented
            : configured.Where(Implemented.Contains).ToHashSet(StringComparer.Ordinal);

    /// <summary>ZooKeeper's exact refusal text for a known word that is not whitelisted.</summary>
    public static string Refusal(string word) => $"{word} is not executed because it is not in the whitelist.\n";
}
