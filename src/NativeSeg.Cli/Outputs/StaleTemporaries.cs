using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NativeSeg.Cli.Outputs;

/// <summary>
/// Removes the temporary files that a killed run (SIGKILL, power cut) left in an output folder. Only files whose
/// owning process is gone and that were last written before this process started are touched, so a concurrent
/// run's files in the same folder are safe. Older versions' names (<c>.NAME.GUID.tmp</c>,
/// <c>NAME.tmp-PID[-GUID]</c>) are recognised too.
/// </summary>
public static partial class StaleTemporaries
{
    /// <summary>Files without an owner in their name are removed only when older than this.</summary>
    private static readonly TimeSpan OwnerlessAge = TimeSpan.FromHours(1);

    public static IReadOnlyList<string> Clean(string folder)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        DateTime started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(folder).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }
        foreach (string file in files)
        {
            string name = Path.GetFileName(file);
            int? owner = TemporaryNames.OwnerOf(name) ?? LegacyOwner(name);
            bool ownerless = owner is null && LegacyOwnerless().IsMatch(name);
            if (owner is null && !ownerless) continue;
            if (owner == Environment.ProcessId || (owner is int pid && IsAlive(pid))) continue;
            try
            {
                DateTime written = File.GetLastWriteTimeUtc(file);
                if (written >= started || (ownerless && DateTime.UtcNow - written < OwnerlessAge)) continue;
                File.Delete(file);
                removed.Add(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's file we may not remove: not ours to worry about.
            }
        }
        return removed;
    }

    private static int? LegacyOwner(string name)
    {
        var match = LegacyWithOwner().Match(name);
        return match.Success && int.TryParse(match.Groups[1].Value, out int pid) ? pid : null;
    }

    internal static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\.tmp-(\d+)(-[0-9a-f]{32})?$")]
    private static partial Regex LegacyWithOwner();

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex LegacyOwnerless();
}
