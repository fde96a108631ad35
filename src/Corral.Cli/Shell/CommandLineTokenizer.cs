using System.Text;

namespace Corral.Cli.Shell;

/// <summary>
/// Splits a shell line into words: whitespace separates, single or double quotes group (so data
/// may contain spaces), as zkCli does.
/// </summary>
public static class CommandLineTokenizer
{
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in line)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
                continue;
            }
            if (c is '"' or '\'') { quote = c; inWord = true; continue; }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                continue;
            }
            current.Append(c);
            inWord = true;
        }
        if (quote != '\0') throw new FormatException("unterminated quote");
        if (inWord) words.Add(current.ToString());
        return words;
    }
}

/// <summary>A parsed command: flags (with or without values) and positional arguments, in zkCli's style (-s, -v 3).</summary>
public sealed class ParsedArgs
{
    private readonly Dictionary<char, string?> _flags = [];

    public List<string> Positional { get; } = [];

    /// <param name="withValue">Flags that take a value, e.g. "vt" for -v 3 -t 1000.</param>
    public static ParsedArgs Parse(IReadOnlyList<string> words, string flags, string withValue)
    {
        var parsed = new ParsedArgs();
        for (int i = 1; i < words.Count; i++)
        {
            string w = words[i];
            if (w.Length == 2 && w[0] == '-' && !char.IsDigit(w[1]))
            {
                char f = w[1];
                if (withValue.Contains(f))
                {
                    if (i + 1 >= words.Count) throw new FormatException($"option -{f} needs a value");
                    parsed._flags[f] = words[++i];
                }
                else if (flags.Contains(f)) parsed._flags[f] = null;
                else throw new FormatException($"unknown option -{f}");
            }
            else parsed.Positional.Add(w);
        }
        return parsed;
    }

    public bool Has(char flag) => _flags.ContainsKey(flag);
    public string? Value(char flag) => _flags.GetValueOrDefault(flag);
}
