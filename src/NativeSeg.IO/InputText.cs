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

    /// <summary>The text with every control character (C0, DEL, C1: newlines, ESC, BEL …) as '?'; other characters kept.</summary>
    public static string WithoutControlCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(char.IsControl)) return text;
        return string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++) span[i] = char.IsControl(source[i]) ? '?' : source[i];
        });
    }
}
