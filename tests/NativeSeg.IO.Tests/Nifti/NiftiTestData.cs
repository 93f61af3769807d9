using System.Runtime.CompilerServices;
using System.Text.Json;

namespace NativeSeg.IO.Tests.Nifti;

/// <summary>Locations of the shared real data and of the committed NIfTI fixtures, found relative to the repository.</summary>
internal static class NiftiTestData
{
    // The test directory normally lies inside the repository; when the build output goes elsewhere
    // (--artifacts-path), fall back to the folder this source file was compiled from.
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

    public static string RepoRoot => Root.Value;

    public static string Data(params string[] parts) =>
        Path.GetFullPath(Path.Combine([RepoRoot, "..", "shared", "data", .. parts]));

    public static string Fixture(string name) =>
        Path.Combine(RepoRoot, "tests", "NativeSeg.IO.Tests", "Fixtures", "Nifti", name);

    public static string LctscCt(string caseId) => Data("lctsc", $"{caseId}_ct.nii.gz");

    public static string LctscMask(string caseId) => Data("lctsc", $"{caseId}_lungmask.nii.gz");

    public static JsonElement Json(string fixtureName) =>
        JsonDocument.Parse(File.ReadAllText(Fixture(fixtureName))).RootElement;

    public static double[,] Affine3x4(JsonElement rows)
    {
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                m[r, c] = rows[r][c].GetDouble();
        return m;
    }

    /// <summary>A fresh empty folder under the system temp folder, removed by the caller.</summary>
    public static string TempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "nativeseg-nifti-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
