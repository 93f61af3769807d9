using System.Diagnostics;
using System.Globalization;
using NativeSeg.Imaging.Tests.Geometry;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Dicom;
using NativeSeg.IO.Volumes;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// `nativeseg segment` on inputs that were refused as "not axial": a sagittal-first NIfTI and a coronal DICOM series,
/// both made from the same two real Case_009 slices. Each mask is written on exactly its input's grid (the affine
/// checked by nibabel too) and, mapped through the affines, equals the axial input's mask voxel for voxel.
/// </summary>
public class OrientationTests
{
    [Test]
    public void SagittalNiftiAndCoronalDicomGetTheAxialMaskOnTheirOwnGrids()
    {
        using var folder = new TemporaryFolder();
        var ct = DicomSeriesReader.ReadVolume(RepositoryPaths.SharedData("lctsc", "Case_009_dicom"));
        var slab = AxisVariants.Crop(ct, 40, 90, 60, 432, 330, 2);               // DICOM (axial) order
        string axialPath = folder.File("axial.nii.gz"), sagittalPath = folder.File("sagittal.nii.gz"), coronalFolder = folder.File("coronal");
        NiftiWriter.Write(axialPath, slab);
        // Sagittal-first: axis 0 runs head → feet, axis 1 anterior → posterior, axis 2 right → left.
        NiftiWriter.Write(sagittalPath, AxisVariants.Make(slab, [2, 1, 0], [true, false, false]));
        // Coronal DICOM: rows left → right, columns head → feet, one file per plane front to back.
        Directory.CreateDirectory(coronalFolder);
        DicomSeriesFromVolume.Write(AxisVariants.Make(slab, [0, 2, 1], [false, true, false]), coronalFolder);

        CliRunner.Expect(0, "segment", axialPath, "-o", folder.File("axial_mask.nii.gz"), "--device", "cpu", "--quiet");
        var sagittal = CliRunner.Expect(0, "segment", sagittalPath, "-o", folder.File("sagittal_mask.nii.gz"), "--device", "cpu", "--verbose");
        Assert.That(sagittal.Err, Does.Contain("segmented on an axial grid"));
        CliRunner.Expect(0, "segment", coronalFolder, "-o", folder.File("coronal_mask.nii.gz"), "--device", "cpu", "--quiet");

        var axialMask = NiftiReader.ReadMask(folder.File("axial_mask.nii.gz"));
        Assert.That(axialMask.Voxels.Count(v => v != 0), Is.GreaterThan(10000), "lung found");
        foreach (var (inputGrid, mask) in new[] { (NiftiReader.ReadFloat(sagittalPath).Grid, "sagittal_mask.nii.gz"), (DicomSeriesReader.ReadVolume(coronalFolder).Grid, "coronal_mask.nii.gz") })
        {
            var written = NiftiReader.ReadMask(folder.File(mask), out var header);
            Assert.That(written.Grid.SameGeometry(inputGrid, 1e-4), Is.True, $"{mask}: {written.Grid} vs input {inputGrid}");
            Assert.That(header.SformAffine.ApproximatelyEquals(inputGrid.Affine, 1e-4), Is.True, mask);
            // Voxel for voxel, through the affines, the axial run's mask.
            Assert.That(VolumeAlignment.OntoGrid(written, axialMask.Grid, mask).Voxels, Is.EqualTo(axialMask.Voxels), mask);
        }

        // An independent reader: nibabel's affine of the sagittal mask is the sagittal CT's.
        string script = "import nibabel, numpy, sys; a = nibabel.load(sys.argv[1]).affine; b = nibabel.load(sys.argv[2]).affine; "
                      + "print(float(numpy.abs(a - b).max()), nibabel.aff2axcodes(a))";
        var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", script, sagittalPath, folder.File("sagittal_mask.nii.gz")])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = python.StandardOutput.ReadToEnd(), error = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.That(python.ExitCode, Is.Zero, error);
        var parts = output.Split(' ', 2);
        Assert.That(double.Parse(parts[0], CultureInfo.InvariantCulture), Is.LessThan(1e-4), output);
        Assert.That(parts[1], Does.Contain("('I', 'P', 'L')"), "nibabel sees the sagittal-first axis order");
    }

    [Test]
    public void AnObliqueVolumeIsRefusedWithItsAngle()
    {
        using var folder = new TemporaryFolder();
        var ct = NiftiReader.ReadFloat(RepositoryPaths.SharedData("cip", "ct-64.nii.gz"));
        double angle = 40 * Math.PI / 180;
        var a = ct.Grid.Affine;
        var m = new double[3, 4];
        for (int c = 0; c < 4; c++)
        {
            m[0, c] = Math.Cos(angle) * a[0, c] - Math.Sin(angle) * a[1, c];
            m[1, c] = Math.Sin(angle) * a[0, c] + Math.Cos(angle) * a[1, c];
            m[2, c] = a[2, c];
        }
        string path = folder.File("oblique.nii.gz");
        NiftiWriter.Write(path, new Volume<float>(new Grid(ct.Grid.SizeX, ct.Grid.SizeY, ct.Grid.SizeZ, new Affine(m)), ct.Voxels));
        var result = CliRunner.Expect(3, "segment", path, "-o", folder.File("mask.nii.gz"), "--device", "cpu");
        Assert.That(result.ErrorLines.Single(), Does.Contain("oblique.nii.gz").And.Contain("40.0°").And.Contain("oblique"));
        Assert.That(File.Exists(folder.File("mask.nii.gz")), Is.False);
    }
}
