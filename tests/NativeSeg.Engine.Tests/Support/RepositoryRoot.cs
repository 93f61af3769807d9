using NativeSeg.Tests.Shared;

namespace NativeSeg.Engine.Tests.Support;

/// <summary>The repository and the shared data, for the engine tests (see <see cref="RepositoryPaths"/>).</summary>
public static class RepositoryRoot
{
    public static string Find() => RepositoryPaths.Root;

    /// <summary>A path inside the shared data folder: &lt;repository&gt;/../shared/data/&lt;parts&gt;.</summary>
    public static string SharedData(params string[] parts) => RepositoryPaths.SharedData(parts);
}
