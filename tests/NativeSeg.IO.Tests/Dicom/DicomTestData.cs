using System.Runtime.CompilerServices;

namespace NativeSeg.IO.Tests.Dicom;

/// <summary>Locations of the shared real data and of the committed DICOM fixtures, found relative to the repository.</summary>
internal static class DicomTestData
{
    // The test directory normally lies inside the repository; with --artifacts-path it does not, so fall back to
    // the folder this source file was compiled from.
    private static readonly Lazy<string> Root = new(() =>
        FindSolutionAbove(TestContext.CurrentContext.TestDirectory) ?? FindSolutionAbove(SourceFolder())
        ?? throw new InvalidOperationException("NativeSeg.sln not found above the test directory or the test sources."));

    private static string? FindSolutionAbove(string start)
    {
        var dir = new DirectoryInfo(start);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NativeSeg.sln"))) dir = dir.Parent;
        return dir?.FullName;
    }

    private static string SourceFolder([CallerFilePath] string file = "") => Path.GetDirectoryName(file) ?? "";

    public static string Data(params string[] parts) =>
        Path.GetFullPath(Path.Combine([Root.Value, "..", "shared", "data", .. parts]));

    public static string Fixture(string name) =>
        Path.Combine(Root.Value, "tests", "NativeSeg.IO.Tests", "Fixtures", "Dicom", name);

    public static string Case009Folder => Data("lctsc", "Case_009_dicom");

    public static string Codec(string name) => Data("dicom", "codecs", name);

    /// <summary>A fresh empty folder under the system temp folder; dispose to remove it.</summary>
    public static TempFolder NewTempFolder() => new();

    internal sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nativeseg-dicom-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
