using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace NativeSeg.Cli.Outputs;

/// <summary>
/// The names of the hidden files an output is written to before it is committed: <c>.nativeseg-tmp-PID-NAME</c> in
/// the output's own folder (same file system, so the final rename is atomic). The name says whose it is and which
/// process owns it, so a later run can remove what a killed one left behind, and an error message can name the
/// user's file instead of the temporary one.
/// </summary>
public static partial class TemporaryNames
{
    public const string Marker = ".nativeseg-tmp-";

    private static readonly ConcurrentDictionary<string, string> UserPathOf = new(StringComparer.Ordinal);

    public static string For(string fullPath)
    {
        string folder = Path.GetDirectoryName(fullPath) ?? ".";
        string temporary = Path.Combine(folder, $"{Marker}{Environment.ProcessId}-{Path.GetFileName(fullPath)}");
        UserPathOf[Path.GetFileName(temporary)] = fullPath;
        return temporary;
    }

    /// <summary>The process id in a temporary file's name (also when a library wrapped it in a temporary of its own), or null for other files.</summary>
    public static int? OwnerOf(string fileName)
    {
        var match = OwnerPattern().Match(fileName);
        return match.Success && int.TryParse(match.Groups[1].Value, out int pid) ? pid : null;
    }

    /// <summary>Replaces every temporary path in <paramref name="message"/> by the user's path it stands for.</summary>
    public static string ToUserPaths(string message)
    {
        if (!message.Contains(Marker, StringComparison.Ordinal)) return message;
        return PathToken().Replace(message, token =>
        {
            foreach (var (temporaryName, userPath) in UserPathOf)
                if (token.Value.Contains(temporaryName, StringComparison.Ordinal))
                    return userPath;
            return token.Value;
        });
    }

    [GeneratedRegex(@"\.nativeseg-tmp-(\d+)-")]
    private static partial Regex OwnerPattern();

    // A path as messages quote it: no whitespace or quotes, possibly ending before a colon.
    [GeneratedRegex(@"[^\s'""]*\.nativeseg-tmp-\d+-[^\s'"":]*")]
    private static partial Regex PathToken();
}
