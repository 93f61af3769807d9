using System.Runtime.CompilerServices;

namespace NativeSeg.Tests.Shared;

/// <summary>
/// Where tests find the repository (the folder holding NativeSeg.sln) and the real data beside it
/// (<c>&lt;repository&gt;/../shared/data</c>, as CI lays it out). Walks up from the test binaries; when they were built
/// outside the clone (<c>dotnet test --artifacts-path /tmp/...</c>), walks up from where this file was compiled.
/// Linked into every test project by Directory.Build.props.
/// </summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootFolder = new(() =>
        FindSolutionAbove(TestContext.CurrentContext.TestDirectory) ?? FindSolutionAbove(SourceFolder())
        ?? throw new DirectoryNotFoundException(
            $"No folder containing NativeSeg.sln above {TestContext.CurrentContext.TestDirectory} or {SourceFolder()}."));

    /// <summary>The repository's root folder.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>A path in the shared real data: &lt;repository&gt;/../shared/data/&lt;parts&gt;.</summary>
    public static string SharedData(params string[] parts) =>
        Path.GetFullPath(Path.Combine([Root, "..", "shared", "data", .. parts]));

    /// <summary>A path inside the repository.</summary>
    public static string InRepository(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The shipped default weights, weights/highresnet2d-lung.safetensors.</summary>
    public static string ShippedWeights => InRepository("weights", "highresnet2d-lung.safetensors");

    private static string? FindSolutionAbove(string? start)
    {
        for (var directory = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "NativeSeg.sln")))
                return directory.FullName;
        return null;
    }

    private static string SourceFolder([CallerFilePath] string file = "") => Path.GetDirectoryName(file) ?? "";
}
