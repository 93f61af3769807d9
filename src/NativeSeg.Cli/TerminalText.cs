using System.Text;

namespace NativeSeg.Cli;

/// <summary>
/// Makes text from files (paths, tag values, library messages) safe to print on a terminal: a control character
/// could move the cursor, recolour or retitle the terminal, or hide the rest of the message, so each becomes \xNN.
/// </summary>
public static class TerminalText
{
    public static string Sanitize(string text)
    {
        if (!text.Any(IsControl)) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (IsControl(c)) builder.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    // C0 controls, DEL and the C1 controls (U+0080–U+009F, which some terminals also obey).
    private static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
