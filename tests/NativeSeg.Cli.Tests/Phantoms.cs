using System.Text.Json;

namespace NativeSeg.Cli.Tests;

/// <summary>Small synthetic chest CTs made with `nativeseg phantom`, and manifests listing them.</summary>
public static class Phantoms
{
    public sealed record Files(string Ct, string Mask);

    public static Files Make(TemporaryFolder folder, string name, string size, ulong seed = 1)
    {
        var files = new Files(folder.File(name + "_ct.nii.gz"), folder.File(name + "_mask.nii.gz"));
        CliRunner.Expect(ExitCodes.Success, "phantom", "--size", size, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--out-ct", files.Ct, "--out-mask", files.Mask);
        return files;
    }

    /// <summary>A manifest entry for a normal phantom case, its files named relative to the manifest's folder.</summary>
    public static object NormalCase(string id, string patient, Files files) =>
        new { id, patient, group = "normal", ct = Path.GetFileName(files.Ct), mask = Path.GetFileName(files.Mask) };

    /// <summary>Writes a manifest (paths relative to its folder) whose cases are the given objects.</summary>
    public static string WriteManifest(TemporaryFolder folder, string name, params object[] cases)
    {
        string path = folder.File(name);
        File.WriteAllText(path, JsonSerializer.Serialize(new { name = "cli-test", cases }));
        return path;
    }
}
