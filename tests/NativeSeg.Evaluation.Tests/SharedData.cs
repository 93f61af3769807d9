using System.Runtime.CompilerServices;

namespace NativeSeg.Evaluation.Tests;

/// <summary>
/// The real CT data in <c>&lt;repository&gt;/../shared/data</c>. The repository is the folder holding NativeSeg.sln
/// above the test binaries, or, when the binaries are built elsewhere (--artifacts-path), above this source file.
/// </summary>
internal static class SharedData
{
    public static string PathOf(string relative)
    {
        string root = RepositoryRoot(TestContext.CurrentContext.TestDirectory) ?? RepositoryRoot(SourceDirectory())
            ?? throw new AssertionException($"No folder containing NativeSeg.sln above {TestContext.CurrentContext.TestDirectory} or {SourceDirectory()}.");
        string path = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", relative));
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Fail($"Shared test data {path} is missing (shared/ must sit beside the repository).");
        return path;
    }

    private static string? RepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "NativeSeg.sln")))
                return directory.FullName;
        return null;
    }

    private static string SourceDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file) ?? "";
}
