using NativeSeg.IO.Nifti;

namespace NativeSeg.Cli.Tests;

public sealed class PhantomCommandTests
{
    [Test]
    public void Phantom_WritesCtAndMaskOnTheSameGrid()
    {
        using var folder = new TemporaryFolder();
        var files = Phantoms.Make(folder, "p", "64x64x12");

        var ct = NiftiReader.ReadFloat(files.Ct);
        var mask = NiftiReader.ReadMask(files.Mask);
        Assert.That((ct.Grid.SizeX, ct.Grid.SizeY, ct.Grid.SizeZ), Is.EqualTo((64, 64, 12)));
        Assert.That(mask.Grid.SameGeometry(ct.Grid), Is.True, $"mask {mask.Grid} vs CT {ct.Grid}");
        Assert.That(mask.Voxels.Any(v => v != 0), Is.True, "the phantom has lungs");
        Assert.That(ct.Voxels.Min(), Is.LessThan(-500f), "air in HU");
    }

    [Test]
    public void Phantom_BadSize_IsAUsageError()
    {
        using var folder = new TemporaryFolder();
        var result = CliRunner.Expect(ExitCodes.UsageError, "phantom", "--size", "64x64", "--out-ct", folder.File("c.nii.gz"), "--out-mask", folder.File("m.nii.gz"));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("--size"));
        Assert.That(Directory.GetFiles(folder.Path), Is.Empty);
    }
}
