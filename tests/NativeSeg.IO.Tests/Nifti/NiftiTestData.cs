using NativeSeg.Tests.Shared;
using System.Text.Json;

namespace NativeSeg.IO.Tests.Nifti;

/// <summary>Locations of the shared real data and of the committed NIfTI fixtures, found relative to the repository.</summary>
internal static class NiftiTestData
{
    public static string RepoRoot => RepositoryPaths.Root;

    public static string Data(params string[] parts) => RepositoryPaths.SharedData(parts);

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
