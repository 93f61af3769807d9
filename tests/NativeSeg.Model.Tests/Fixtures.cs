namespace NativeSeg.Model.Tests;

/// <summary>Committed fixture files, copied next to the test binaries (see Fixtures/README.md).</summary>
internal static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", name);

    /// <summary>The source folder of the fixtures, for the [Explicit] test that (re)writes the inputs.</summary>
    public static string SourceFolder()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "NativeSeg.Model.Tests.csproj")))
            directory = directory.Parent;
        return directory is null
            ? throw new DirectoryNotFoundException("tests/NativeSeg.Model.Tests not found above the test binaries.")
            : System.IO.Path.Combine(directory.FullName, "Fixtures");
    }
}
