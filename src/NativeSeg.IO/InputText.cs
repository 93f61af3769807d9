using System.Text;

namespace NativeSeg.IO;

/// <summary>
/// Makes text taken from an input file safe to print in a one-line message: a crafted or corrupt header can hold
/// control characters (newlines, escape sequences) that would split the line or drive the user's terminal.
/// </summary>
public static class InputText
{
    private const int MaxLength = 64;

    /// <summary>The text with every control or non-ASCII character as '?', cut to 64 characters.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(Math.Min(text.Length, MaxLength + 1));
        foreach (char c in text)
        {
            if (sb.Length == MaxLength) return sb.Append('…').ToString();
            sb.Append(c is >= ' ' and <= '~' ? c : '?');
        }
        return sb.ToString();
    }

    /// <summary>The text with every control character (C0, DEL and the C1 range U+0080–U+009F that some terminals also
    /// obey: newlines, ESC, BEL …) written as \xNN; other characters kept. The one escaping of the project: the CLI
    /// prints every error line through it.</summary>
    public static string EscapeControlCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(IsControl)) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (IsControl(c)) builder.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
