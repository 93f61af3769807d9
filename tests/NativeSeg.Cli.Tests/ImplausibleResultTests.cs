using System.Text.Json;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// A result that cannot be a chest CT's lungs is said so: a warning line on stderr and in --json's "warnings",
/// and with --strict exit code 6 and nothing written.
/// </summary>
public sealed class ImplausibleResultTests
{
    private static Grid Grid(int slices, double sliceMm) => new(64, 64, slices, Affine.FromSpacing(6, 6, sliceMm));

    [Test]
    public void Rules_NoLung_TooLittleForTheExtent_AndPlausible()
    {
        Assert.That(LungPlausibility.Judge(0, Grid(100, 3)).Single(), Does.StartWith("no lung found"));
        // 300 mm along z: at least 15 mL/cm × 30 cm = 450 mL.
        Assert.That(LungPlausibility.Judge(300, Grid(100, 3)).Single(), Does.StartWith("lung volume implausible for a chest CT of this extent"));
        Assert.That(LungPlausibility.Judge(3500, Grid(100, 3)), Is.Empty);
        // A 20 mm slab through the chest needs only 30 mL; a longer scan than the lungs counts as 30 cm.
        Assert.That(LungPlausibility.Judge(100, Grid(10, 2)), Is.Empty);
        Assert.That(LungPlausibility.Judge(460, Grid(400, 1.5)), Is.Empty);
    }

    [Test]
    public void ChestWithTooLittleLungForItsExtent_IsFlagged_AndStrictWritesNothing()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "p", "64x64x8");
        // The same image with a quarter of the pixel spacing (a 100 mm field of view instead of 400): the network sees
        // the same chest, but the lungs it finds hold 1/16 of the volume over the same 300 mm along z.
        var ct = NiftiReader.ReadFloat(phantom.Ct);
        var m = new double[3, 4];
        for (int row = 0; row < 3; row++)
            for (int column = 0; column < 4; column++)
                m[row, column] = ct.Grid.Affine[row, column] * (column < 2 ? 0.25 : 1);
        string shrunk = folder.File("small.nii.gz");
        NiftiWriter.Write(shrunk, new Volume<float>(new Grid(ct.Grid.SizeX, ct.Grid.SizeY, ct.Grid.SizeZ, new Affine(m)), ct.Voxels));
        string mask = folder.File("mask.nii.gz");
        var before = FolderSnapshot.Take(folder.Path);
        var strict = CliRunner.Run("segment", shrunk, "-o", mask, "--device", "cpu", "--strict");
        Assert.That(strict.ExitCode, Is.EqualTo(ExitCodes.ImplausibleResult), strict.ToString());
        Assert.That(strict.ErrorLines.Single(), Does.Contain(shrunk).And.Contain("lung volume implausible for a chest CT of this extent"));
        FolderSnapshot.AssertUnchanged(before, folder.Path, "--strict writes nothing");

        var lenient = CliRunner.Expect(ExitCodes.Success, "segment", shrunk, "-o", mask, "--device", "cpu", "--json");
        Assert.That(lenient.Err, Does.Contain("warning: " + shrunk));
        using var json = JsonDocument.Parse(lenient.Out);
        Assert.That(json.RootElement.GetProperty("warnings").GetArrayLength(), Is.EqualTo(1));
        Assert.That(File.Exists(mask), Is.True);
    }

    [Test]
    public void PlausibleChest_HasNoWarnings()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "p", "64x64x8");
        var result = CliRunner.Expect(ExitCodes.Success, "segment", phantom.Ct, "-o", folder.File("mask.nii.gz"), "--device", "cpu", "--json", "--strict");
        using var json = JsonDocument.Parse(result.Out);
        Assert.That(json.RootElement.GetProperty("warnings").GetArrayLength(), Is.Zero, result.ToString());
        Assert.That(result.Err, Does.Not.Contain("warning"));
    }
}
