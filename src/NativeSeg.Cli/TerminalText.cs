namespace NativeSeg.Cli;

/// <summary>
/// Makes text from files (paths, tag values, library messages) safe to print on a terminal: a control character
/// could move the cursor, recolour or retitle the terminal, or hide the rest of the message, so each becomes \xNN.
/// </summary>
public static class TerminalText
{
    public static string Sanitize(string text) => NativeSeg.IO.InputText.EscapeControlCharacters(text);
}
