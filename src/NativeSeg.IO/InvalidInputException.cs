namespace NativeSeg.IO;

/// <summary>
/// A file or folder that NativeSeg cannot use: corrupt, truncated, not a CT, an unsupported encoding, or absent.
/// The message always names the path and the reason, so the CLI can print it as one line.
/// </summary>
public class InvalidInputException : Exception
{
    public InvalidInputException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it, in one sentence.</summary>
    public string Reason { get; }
}
