using NativeSeg.Tests.Shared;

namespace NativeSeg.IO.Tests.Dicom;

/// <summary>Locations of the shared real data and of the committed DICOM fixtures, found relative to the repository.</summary>
internal static class DicomTestData
{
    public static string Data(params string[] parts) => RepositoryPaths.SharedData(parts);

    public static string Fixture(string name) =>
        Path.Combine(RepositoryPaths.Root, "tests", "NativeSeg.IO.Tests", "Fixtures", "Dicom", name);

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
