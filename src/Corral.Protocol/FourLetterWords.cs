using System.Collections.Frozen;

namespace Corral.Protocol;

/// <summary>
/// Four-letter admin commands share the client port: on a new connection, before any ConnectRequest,
/// the first four bytes read as a big-endian int equal the ASCII of a known word (e.g. "ruok" is
/// 0x72756f6b). Real ConnectRequests start with 0x0000002C/0x0000002D, so the two never collide.
/// </summary>
public static class FourLetterWords
{
    public static readonly IReadOnlyList<string> All =
    [
        "ruok", "isro", "srvr", "stat", "mntr", "conf", "envi", "cons", "crst",
        "srst", "dump", "wchs", "wchc", "wchp", "dirs", "hash", "gtmk", "stmk",
    ];

    /// <summary>Telnet's IAC IP / DO sequence; ZooKeeper treats it as "close this connection".</summary>
    public const int TelnetClose = unchecked((int)0xfff4fffd);

    private static readonly FrozenDictionary<int, string> ByCode =
        All.ToFrozenDictionary(CodeOf, w => w);

    /// <summary>The big-endian int whose bytes are the word's ASCII characters.</summary>
    public static int CodeOf(string word)
    {
        if (word.Length != 4) throw new ArgumentException("a four-letter word has four letters", nameof(word));
        return (word[0] << 24) | (word[1] << 16) | (word[2] << 8) | word[3];
    }

    public static bool TryGetWord(int firstFourBytesBigEndian, out string word) =>
        ByCode.TryGetValue(firstFourBytesBigEndian, out word!);
}
