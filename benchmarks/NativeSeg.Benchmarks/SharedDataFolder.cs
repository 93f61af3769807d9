namespace NativeSeg.Benchmarks;

/// <summary>
/// The shared data folder (<c>../shared/data</c> beside the repository). The repository holds NativeSeg.sln; look above
/// the binaries, the working folder and this source file (the binaries may live in an --artifacts-path folder elsewhere).
/// </summary>
internal static class SharedDataFolder
{
    public static string Path(params string[] parts)
    {
        var root = new[] { AppContext.BaseDirectory, Environment.CurrentDirectory, SourceFolder() }
            .Select(FindSolutionAbove).FirstOrDefault(r => r is not null)
            ?? throw new InvalidOperationException("NativeSeg.sln not found above the binaries, the working folder or the sources.");
        return System.IO.Path.GetFullPath(System.IO.Path.Combine([root, "..", "shared", "data", .. parts]));
    }

    private static string? FindSolutionAbove(string start)
    {
        var dir = new DirectoryInfo(start);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "NativeSeg.sln"))) dir = dir.Parent;
        return dir?.FullName;
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string file = "") => System.IO.Path.GetDirectoryName(file) ?? "";
}
