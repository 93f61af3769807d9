using System.Runtime.CompilerServices;

namespace NativeSeg.Engine.Tests.Support;

/// <summary>
/// Finds the repository (the folder holding NativeSeg.sln) by walking up from the test binaries, so tests work in
/// any clone; the shared data sits beside it in ../shared/data. When the binaries were built outside the clone
/// (dotnet test --artifacts-path /tmp/...), it walks up from where this source file was compiled instead.
/// </summary>
public static class RepositoryRoot
{
    public static string Find() => FindFrom(TestContext.CurrentContext.TestDirectory) ?? FindFrom(SourceDirectory())
        ?? throw new DirectoryNotFoundException(
            $"No folder containing NativeSeg.sln above {TestContext.CurrentContext.TestDirectory} or {SourceDirectory()}.");

    /// <summary>A path inside the shared data folder: &lt;repository&gt;/../shared/data/&lt;parts&gt;.</summary>
    public static string SharedData(params string[] parts) =>
        Path.GetFullPath(Path.Combine([Find(), "..", "shared", "data", .. parts]));

    private static string? FindFrom(string? start)
    {
        var directory = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start);
        while (directory is not null)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NativeSeg.sln"))) return directory.FullName;
            directory = directory.Parent;
        }
        return null;
    }

    private static string? SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path);
}
