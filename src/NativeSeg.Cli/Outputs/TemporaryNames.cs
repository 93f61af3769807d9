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
        UserPathOf[temporary] = fullPath;
        return temporary;
    }

    /// <summary>The process id in a temporary file's name (also when a library wrapped it in a temporary of its own), or null for other files.</summary>
    public static int? OwnerOf(string fileName)
    {
        var match = OwnerPattern().Match(fileName);
        return match.Success && int.TryParse(match.Groups[1].Value, out int pid) ? pid : null;
    }

    /// <summary>
    /// Replaces every temporary path in <paramref name="message"/> by the user's path it stands for: the temporary
    /// itself, or one a writer wrapped around it (<c>.nativeseg-tmp-PID-</c> before, a GUID or <c>.tmp-PID</c> after),
    /// with or without its folder, whose spelling (spaces included) is known exactly.
    /// </summary>
    public static string ToUserPaths(string message)
    {
        if (!message.Contains(Marker, StringComparison.Ordinal)) return message;
        // Whole paths first: the same file name may be a temporary in several folders (in-process runs).
        foreach (var (temporary, userPath) in UserPathOf)
            message = Replace(message, temporary, userPath, Regex.Escape(Path.GetDirectoryName(temporary) + Path.DirectorySeparatorChar));
        foreach (var (temporary, userPath) in UserPathOf)
            message = Replace(message, temporary, userPath, @"(?<![/\\\w.-])");
        return message;
    }

    private static string Replace(string message, string temporary, string userPath, string before)
    {
        string name = Path.GetFileName(temporary);
        if (!message.Contains(name, StringComparison.Ordinal)) return message;
        string pattern = $@"{before}(?:{Regex.Escape(Marker)}\d+-)*{Regex.Escape(name)}(?:\.[0-9a-f]{{32}}|\.tmp-\d+|\.previous)?";
        return Regex.Replace(message, pattern, _ => userPath);
    }

    [GeneratedRegex(@"\.nativeseg-tmp-(\d+)-")]
    private static partial Regex OwnerPattern();
}
