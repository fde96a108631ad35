using System.Text;

namespace Corral.Cli.Shell;

/// <summary>Where the shell's input lines come from.</summary>
public interface ILineSource
{
    /// <summary>The next line, or null at end of input.</summary>
    string? ReadLine(string prompt);
}

/// <summary>Lines from a redirected stdin or a script: no prompt, no echo.</summary>
public sealed class TextLineSource(TextReader reader) : ILineSource
{
    public string? ReadLine(string prompt) => reader.ReadLine();
}

/// <summary>
/// A small interactive line editor for a terminal: left/right, Home/End (Ctrl-A/Ctrl-E),
/// Backspace/Delete, Ctrl-U (clear), Up/Down through the session's history, Tab completion of
/// command names, Ctrl-D on an empty line to quit.
/// </summary>
public sealed class ConsoleLineEditor(IReadOnlyList<string> history, IEnumerable<string> commands) : ILineSource
{
    private readonly string[] _commands = [.. commands];

    public string? ReadLine(string prompt)
    {
        Console.Write(prompt);
        var line = new StringBuilder();
        int cursor = 0;
        int historyIndex = history.Count;
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.WriteLine();
                    return line.ToString();
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = line.Length;
                    break;
                case ConsoleKey.UpArrow when historyIndex > 0:
                    Replace(line, history[--historyIndex], ref cursor);
                    break;
                case ConsoleKey.DownArrow when historyIndex < history.Count:
                    historyIndex++;
                    Replace(line, historyIndex < history.Count ? history[historyIndex] : "", ref cursor);
                    break;
                case ConsoleKey.Tab:
                    Complete(line, ref cursor);
                    break;
                default:
                    if (key.Modifiers.HasFlag(ConsoleModifiers.Control))
                    {
                        if (key.Key == ConsoleKey.D && line.Length == 0) { Console.WriteLine(); return null; }
                        if (key.Key == ConsoleKey.A) cursor = 0;
                        else if (key.Key == ConsoleKey.E) cursor = line.Length;
                        else if (key.Key == ConsoleKey.U) { line.Clear(); cursor = 0; }
                        else if (key.Key == ConsoleKey.C) { Console.WriteLine("^C"); line.Clear(); cursor = 0; Console.Write(prompt); continue; }
                        break;
                    }
                    if (!char.IsControl(key.KeyChar)) line.Insert(cursor++, key.KeyChar);
                    break;
            }
            Redraw(prompt, line, cursor);
        }
    }

    private void Complete(StringBuilder line, ref int cursor)
    {
        string text = line.ToString();
        if (text.Contains(' ')) return;
        var matches = _commands.Where(c => c.StartsWith(text, StringComparison.Ordinal)).ToList();
        if (matches.Count == 1) Replace(line, matches[0] + " ", ref cursor);
    }

    private static void Replace(StringBuilder line, string text, ref int cursor)
    {
        line.Clear().Append(text);
        cursor = line.Length;
    }

    private static int _lastLength;

    private static void Redraw(string prompt, StringBuilder line, int cursor)
    {
        // Return to the line start, rewrite, blank any leftover characters, then place the cursor.
        Console.Write('\r' + prompt + line);
        int extra = Math.Max(0, _lastLength - line.Length);
        Console.Write(new string(' ', extra) + new string('\b', extra + line.Length - cursor));
        _lastLength = line.Length;
    }
}
