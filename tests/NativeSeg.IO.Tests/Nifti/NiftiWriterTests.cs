using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Nifti;

[TestFixture]
public class NiftiWriterTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = NiftiTestData.TempFolder();

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Case009MaskRoundTripsExactly()
    {
        var mask = NiftiReader.ReadMask(NiftiTestData.LctscMask("Case_009"), out var source);
        string path = Path.Combine(_folder, "mask.nii.gz");
        NiftiWriter.Write(path, mask, like: source);

        var back = NiftiReader.ReadMask(path, out var header);
        Assert.That(back.Voxels.AsSpan().SequenceEqual(mask.Voxels), Is.True);
        Assert.That(back.Grid.SameGeometry(mask.Grid, 1e-4), Is.True);
        Assert.That(header.QformAffine.ApproximatelyEquals(header.SformAffine, 1e-4), Is.True, "qform and sform must agree");
        Assert.That((header.QformCode, header.SformCode), Is.EqualTo((source.QformCode, source.SformCode)));
        Assert.That(header.XyztUnits & 7, Is.EqualTo(2), "millimetres");
    }

    [TestCase("volume.nii")]
    [TestCase("volume.nii.gz")]
    public void AllThreeTypesRoundTripExactly(string name)
    {
        string path = Path.Combine(_folder, name);

        var mask = SyntheticVolumes.Mask();
        NiftiWriter.Write(path, mask);
        Assert.That(NiftiReader.ReadMask(path).Voxels, Is.EqualTo(mask.Voxels));

        var random = new Random(1234);
        var probabilities = new Volume<float>(SyntheticVolumes.Grid(), Enumerable.Range(0, SyntheticVolumes.Grid().VoxelCount).Select(_ => random.NextSingle()).ToArray());
        NiftiWriter.Write(path, probabilities);
        var readBack = NiftiReader.ReadFloat(path, out var header);
        Assert.That(readBack.Voxels, Is.EqualTo(probabilities.Voxels));
        Assert.That(header.DataType, Is.EqualTo(NiftiDataType.Float32));
        Assert.That(readBack.Grid.SameGeometry(probabilities.Grid, 1e-5), Is.True);
        Assert.That(header.QformAffine.ApproximatelyEquals(probabilities.Grid.Affine, 1e-5), Is.True, "oblique qform");

        var stored = SyntheticVolumes.StoredCt();
        NiftiWriter.Write(path, stored, 1, SyntheticVolumes.CtInter);
        var hu = NiftiReader.ReadFloat(path, out header);
        Assert.That(header.DataType, Is.EqualTo(NiftiDataType.Int16));
        Assert.That(hu.Voxels, Is.EqualTo(stored.Voxels.Select(v => (float)(v + SyntheticVolumes.CtInter)).ToArray()));
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary files left behind");
    }

    [Test]
    public void FailedWriteLeavesNothingBehind()
    {
        // The target is a folder: writing the temporary file works, the final rename cannot.
        string target = Path.Combine(_folder, "taken.nii.gz");
        Directory.CreateDirectory(target);
        Assert.That(() => NiftiWriter.Write(target, SyntheticVolumes.Mask()), Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
        Assert.That(Directory.GetFiles(_folder), Is.Empty);
        Assert.That(Directory.GetDirectories(_folder), Has.Length.EqualTo(1));
    }

    [Test]
    public void OverwritesAnExistingFileWhole()
    {
        string path = Path.Combine(_folder, "mask.nii");
        File.WriteAllBytes(path, new byte[100_000]);
        NiftiWriter.Write(path, SyntheticVolumes.Mask());
        Assert.That(new FileInfo(path).Length, Is.EqualTo(352 + SyntheticVolumes.Grid().VoxelCount));
    }

    /// <summary>
    /// The committed files were written by this writer and read by nibabel (check_with_nibabel.py, which
    /// stored what it saw in nativeseg_written_nibabel.json). Byte identity proves today's writer still
    /// writes what nibabel accepted; the JSON proves nibabel saw our affine and values.
    /// </summary>
    [TestCase("nativeseg_written_mask.nii")]
    [TestCase("nativeseg_written_probabilities.nii")]
    [TestCase("nativeseg_written_ct.nii")]
    public void WrittenBytesMatchTheFileNibabelAccepted(string name)
    {
        string path = Path.Combine(_folder, name);
        WriteSynthetic(name, path);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(File.ReadAllBytes(NiftiTestData.Fixture(name))));

        var seen = NiftiTestData.Json("nativeseg_written_nibabel.json").GetProperty(name);
        NiftiReaderTests.AssertAffine(SyntheticVolumes.Grid().Affine, seen.GetProperty("affine"), 1e-4);
        NiftiReaderTests.AssertAffine(SyntheticVolumes.Grid().Affine, seen.GetProperty("qform"), 1e-4);
        Assert.That(seen.GetProperty("values_match").GetBoolean(), Is.True);
        var ours = NiftiReader.ReadFloat(path).Voxels;
        Assert.That(ours.Sum(v => (double)v), Is.EqualTo(seen.GetProperty("sum").GetDouble()).Within(1e-6));
    }

    /// <summary>Regenerates the committed writer fixtures; run by hand, then run check_with_nibabel.py.</summary>
    [Test, Explicit("writes into the repository's fixture folder")]
    public void RegenerateWriterFixtures()
    {
        foreach (string name in new[] { "nativeseg_written_mask.nii", "nativeseg_written_probabilities.nii", "nativeseg_written_ct.nii" })
            WriteSynthetic(name, NiftiTestData.Fixture(name));
        // Real-size files for the manual nibabel check (not committed).
        string folder = Path.Combine(Path.GetTempPath(), "nativeseg-nifti-check");
        Directory.CreateDirectory(folder);
        var mask = NiftiReader.ReadMask(NiftiTestData.LctscMask("Case_009"), out var maskHeader);
        NiftiWriter.Write(Path.Combine(folder, "Case_009_lungmask.nii.gz"), mask, maskHeader);
        var ct = NiftiReader.ReadFloat(NiftiTestData.LctscCt("Case_009"), out var ctHeader);
        NiftiWriter.Write(Path.Combine(folder, "Case_009_ct_float.nii.gz"), ct, ctHeader);
    }

    private static void WriteSynthetic(string name, string path)
    {
        if (name.Contains("mask")) NiftiWriter.Write(path, SyntheticVolumes.Mask());
        else if (name.Contains("probabilities")) NiftiWriter.Write(path, SyntheticVolumes.Probabilities());
        else NiftiWriter.Write(path, SyntheticVolumes.StoredCt(), 1, SyntheticVolumes.CtInter);
    }
}
