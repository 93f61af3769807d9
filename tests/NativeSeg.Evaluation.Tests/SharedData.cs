using NativeSeg.Tests.Shared;

namespace NativeSeg.Evaluation.Tests;

/// <summary>The real CT data in <c>&lt;repository&gt;/../shared/data</c> (see <see cref="RepositoryPaths"/>).</summary>
internal static class SharedData
{
    public static string PathOf(string relative)
    {
        string path = RepositoryPaths.SharedData(relative);
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Fail($"Shared test data {path} is missing (shared/ must sit beside the repository).");
        return path;
    }
}
