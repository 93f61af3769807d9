using System.Text.Json;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Nifti;

/// <summary>The reader against what nibabel reports for the real LCTSC/CIP files and for small synthetic layouts.</summary>
[TestFixture]
public class NiftiReaderTests
{
    private static readonly string[] Cases = ["Case_000", "Case_005", "Case_007", "Case_009"];

    [TestCaseSource(nameof(Cases))]
    public void LctscCtAndMaskMatchNibabel(string caseId)
    {
        var expected = NiftiTestData.Json("real_data.json").GetProperty(caseId);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ct = NiftiReader.ReadFloat(NiftiTestData.LctscCt(caseId), out var header);
        TestContext.Out.WriteLine($"{caseId}: CT read in {clock.ElapsedMilliseconds} ms");
        AssertShape(ct.Grid, expected.GetProperty("shape"));
        AssertAffine(ct.Grid.Affine, expected.GetProperty("affine"), 1e-4);
        Assert.That(header.SclSlope, Is.EqualTo(expected.GetProperty("raw_scl_slope").GetDouble()));
        Assert.That(header.SclInter, Is.EqualTo(expected.GetProperty("raw_scl_inter").GetDouble()));
        Assert.That(header.DataType, Is.EqualTo(NiftiDataType.Int16));

        double sum = 0, min = double.MaxValue, max = double.MinValue;
        foreach (float v in ct.Voxels) { sum += v; min = Math.Min(min, v); max = Math.Max(max, v); }
        Assert.That(min, Is.EqualTo(expected.GetProperty("hu_min").GetDouble()));
        Assert.That(max, Is.EqualTo(expected.GetProperty("hu_max").GetDouble()));
        Assert.That(sum / ct.Voxels.Length, Is.EqualTo(expected.GetProperty("hu_mean").GetDouble()).Within(1e-6));
        Assert.That(ct[0, 0, 0], Is.EqualTo(expected.GetProperty("hu_first_voxel").GetDouble()));
        Assert.That(ct[256, 256, 50], Is.EqualTo(expected.GetProperty("hu_voxel_256_256_50").GetDouble()));

        var mask = NiftiReader.ReadMask(NiftiTestData.LctscMask(caseId));
        Assert.That(mask.Grid.SameGeometry(ct.Grid), Is.True);
        AssertAffine(mask.Grid.Affine, expected.GetProperty("mask_affine"), 1e-4);
        long count = 0;
        double huInMask = 0;
        byte maxLabel = 0;
        for (int i = 0; i < mask.Voxels.Length; i++)
        {
            if (mask.Voxels[i] == 0) continue;
            count++;
            huInMask += ct.Voxels[i];
            maxLabel = Math.Max(maxLabel, mask.Voxels[i]);
        }
        Assert.That(count, Is.EqualTo(expected.GetProperty("mask_voxels").GetInt64()));
        Assert.That((int)maxLabel, Is.EqualTo(expected.GetProperty("mask_max").GetInt32()));
        Assert.That(huInMask / count, Is.EqualTo(expected.GetProperty("hu_mean_in_mask").GetDouble()).Within(1e-6));
    }

    [Test]
    public void CipVolumeMatchesNibabel()
    {
        var expected = NiftiTestData.Json("real_data.json").GetProperty("cip_ct-64");
        var ct = NiftiReader.ReadFloat(NiftiTestData.Data("cip", "ct-64.nii.gz"));
        AssertShape(ct.Grid, expected.GetProperty("shape"));
        AssertAffine(ct.Grid.Affine, expected.GetProperty("affine"), 1e-4);
        Assert.That(ct.Voxels.Average(v => (double)v), Is.EqualTo(expected.GetProperty("hu_mean").GetDouble()).Within(1e-6));
        Assert.That(ct.Voxels.Min(), Is.EqualTo(expected.GetProperty("hu_min").GetDouble()));
        Assert.That(ct.Voxels.Max(), Is.EqualTo(expected.GetProperty("hu_max").GetDouble()));
        Assert.That(ct[32, 32, 40], Is.EqualTo(expected.GetProperty("hu_voxel_32_32_40").GetDouble()));

        var lung = NiftiReader.ReadMask(NiftiTestData.Data("cip", "wholeLung-64.nii.gz"));
        Assert.That(lung.Voxels.Count(v => v != 0), Is.EqualTo(expected.GetProperty("wholelung_voxels").GetInt32()));
        Assert.That(lung.Grid.SameGeometry(ct.Grid), Is.True);
    }

    [Test]
    public void CipRegionCodesAreNotAMask()
    {
        // lm-64 holds uint16 codes like 0x0209 (type << 8 | region): far beyond a byte label.
        var e = Assert.Throws<InvalidInputException>(() => NiftiReader.ReadMask(NiftiTestData.Data("cip", "lm-64.nii.gz")));
        Assert.That(e!.Reason, Does.Contain("labels must be integers in 0..255"));
        Assert.That(e.Path, Does.EndWith("lm-64.nii.gz"));
    }

    private static IEnumerable<string> SmallFixtures() =>
    [
        "small_nifti2_int16.nii",
        "small_nifti1_be_float32.nii.gz",
        "small_nifti2_be_uint16.nii",
        "small_nifti1_qform_only_int32.nii",
        "small_nifti1_4d_one_volume_uint8.nii",
    ];

    [TestCaseSource(nameof(SmallFixtures))]
    public void SmallLayoutsMatchNibabel(string name)
    {
        var expected = NiftiTestData.Json("small_expected.json").GetProperty(name);
        var volume = NiftiReader.ReadFloat(NiftiTestData.Fixture(name), out var header);
        Assert.That((volume.Grid.SizeX, volume.Grid.SizeY, volume.Grid.SizeZ), Is.EqualTo((7, 5, 3)));
        AssertAffine(volume.Grid.Affine, expected.GetProperty("intended_affine"), 1e-5);
        // nibabel's reading of a float32 quaternion with a = 0 strays by ~1e-3 (see make_fixtures.py); we follow nifti1_io.
        AssertAffine(volume.Grid.Affine, expected.GetProperty("affine"), name.Contains("qform_only") ? 2e-3 : 1e-5);
        var values = expected.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        Assert.That(volume.Voxels, Is.EqualTo(values));
        Assert.That(header.Version, Is.EqualTo(name.Contains("nifti2") ? 2 : 1));
        Assert.That(header.BigEndian, Is.EqualTo(name.Contains("_be_")));
    }

    [Test]
    public void QformOnlyFileUsesTheQuaternion()
    {
        var header = NiftiReader.ReadHeader(NiftiTestData.Fixture("small_nifti1_qform_only_int32.nii"));
        Assert.That(header.SformCode, Is.EqualTo(0));
        Assert.That(header.QformCode, Is.GreaterThan(0));
        Assert.That(header.PixDim[0], Is.EqualTo(-1), "this fixture exercises qfac = −1");
        Assert.That(header.BestAffine, Is.EqualTo(header.QformAffine));
    }

    [Test]
    public void FourDimensionalSeriesIsRejected()
    {
        var e = Assert.Throws<InvalidInputException>(() => NiftiReader.ReadFloat(NiftiTestData.Fixture("small_nifti1_4d_three_volumes.nii")));
        Assert.That(e!.Reason, Does.Contain("3D volumes only"));
    }

    internal static void AssertShape(Grid grid, JsonElement shape) =>
        Assert.That(new[] { grid.SizeX, grid.SizeY, grid.SizeZ }, Is.EqualTo(shape.EnumerateArray().Select(s => s.GetInt32()).ToArray()));

    internal static void AssertAffine(Affine actual, JsonElement rows, double tolerance)
    {
        var expected = new Affine(NiftiTestData.Affine3x4(rows));
        Assert.That(actual.ApproximatelyEquals(expected, tolerance), Is.True, $"affine {actual} differs from nibabel's {expected}");
    }
}
