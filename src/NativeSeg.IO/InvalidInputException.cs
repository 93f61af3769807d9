namespace NativeSeg.IO;

/// <summary>
/// A file or folder that NativeSeg cannot use: corrupt, truncated, not a CT, an unsupported encoding, or absent.
/// The message always names the path and the reason, so the CLI can print it as one line: control characters that a
/// file name or a value quoted from a file may hold (newlines, terminal escapes) are shown as \xNN.
/// </summary>
public class InvalidInputException : Exception
{
    public InvalidInputException(string path, string reason, Exception? inner = null)
        : base(InputText.EscapeControlCharacters($"{path}: {reason}"), inner)
    {
        Path = path;
        Reason = InputText.EscapeControlCharacters(reason);
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it, in one sentence (control characters shown as \xNN).</summary>
    public string Reason { get; }
}
