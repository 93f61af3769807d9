using System.Diagnostics;
using NativeSeg.Imaging.Geometry;
using NativeSeg.IO;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Dicom;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Geometry;

[TestFixture]
public class GantryTiltCorrectionTests
{
    /// <summary>21 slices of Case_009 (DICOM order, LPS) through the lungs, the whole 512×512 field of view.</summary>
    private static readonly Lazy<Volume<float>> Stack = new(() =>
    {
        var ct = DicomSeriesReader.ReadVolume(DicomTestData.Case009Folder);
        return AxisVariants.Crop(ct, 0, 0, 40, ct.Grid.SizeX, ct.Grid.SizeY, 21);
    });

    /// <summary>The same voxels with each slice shifted in-plane by <paramref name="shiftLps"/> mm × k: a tilted stack.</summary>
    private static Volume<T> Sheared<T>(Volume<T> volume, double[] shiftLps) where T : unmanaged
    {
        var a = volume.Grid.Affine;
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                m[r, c] = a[r, c] + (c == 2 ? (r < 2 ? -shiftLps[r] : shiftLps[r]) : 0);
        return new Volume<T>(new Grid(volume.Grid.SizeX, volume.Grid.SizeY, volume.Grid.SizeZ, new Affine(m)), volume.Voxels);
    }

    [Test]
    public void ALinearFieldIsResampledExactlyAndTheUntiltedGridKeepsEveryPosition()
    {
        // Values linear in the patient position: bilinear resampling must reproduce them wherever it reads inside the slice.
        var grid = new Grid(40, 30, 9, new Affine(new double[,] { { -0.8, 0, 0, 10 }, { 0, -0.7, 0.9, 20 }, { 0.05, 0, 2.5, -30 } }));
        var tilt = GantryTiltCorrection.For(grid)!;
        Assert.That(tilt, Is.Not.Null);
        static float Field((double X, double Y, double Z) p) => (float)(3 * p.X - 2 * p.Y + 0.5 * p.Z);
        var ct = new Volume<float>(grid);
        for (int k = 0; k < 9; k++)
            for (int j = 0; j < 30; j++)
                for (int i = 0; i < 40; i++)
                    ct[i, j, k] = Field(grid.Affine.Apply(i, j, k));
        var untilted = tilt.Untilt(ct);
        var u = untilted.Grid.Affine;
        // The untilted slice axis is perpendicular to both in-plane axes.
        for (int c = 0; c < 2; c++)
            Assert.That(u[0, c] * u[0, 2] + u[1, c] * u[1, 2] + u[2, c] * u[2, 2], Is.EqualTo(0).Within(1e-12));
        int inside = 0;
        for (int k = 0; k < 9; k++)
            for (int v = 0; v < untilted.Grid.SizeY; v++)
                for (int x = 0; x < untilted.Grid.SizeX; x++)
                {
                    // Only where all four neighbours exist in the tilted slice (elsewhere the padding value enters).
                    double ti = x - ((k - 4) * tilt.ShiftI + tilt.PadI), tj = v - ((k - 4) * tilt.ShiftJ + tilt.PadJ);
                    if (ti < 0 || tj < 0 || ti > 38.999 || tj > 28.999) continue;
                    inside++;
                    Assert.That(untilted[x, v, k], Is.EqualTo(Field(u.Apply(x, v, k))).Within(2e-3), $"({x}, {v}, {k})");
                }
        Assert.That(inside, Is.GreaterThan(9 * 28 * 38 / 2));

        // Back: every tilted voxel takes the untilted voxel whose centre is nearest (within half a voxel in-plane).
        var index = new Volume<int>(untilted.Grid);
        for (int n = 0; n < index.Voxels.Length; n++) index.Voxels[n] = n;
        var back = tilt.Retilt(index);
        Assert.That(back.Grid, Is.SameAs(grid));
        for (int k = 0; k < 9; k++)
            for (int j = 0; j < 30; j++)
                for (int i = 0; i < 40; i++)
                {
                    int n = back[i, j, k];
                    int x = n % untilted.Grid.SizeX, v = n / untilted.Grid.SizeX % untilted.Grid.SizeY, z = n / untilted.Grid.SliceLength;
                    Assert.That(z, Is.EqualTo(k));
                    var p = grid.Affine.Apply(i, j, k);
                    var q = u.Apply(x, v, z);
                    double distance = Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y) + (p.Z - q.Z) * (p.Z - q.Z));
                    Assert.That(distance, Is.LessThanOrEqualTo(0.5 * Math.Sqrt(0.8 * 0.8 + 0.7 * 0.7) + 1e-9), $"({i}, {j}, {k})");
                }
    }

    [Test]
    public void AWholeVoxelShiftPerSliceOfARealCtUntiltsAndRetiltsExactly()
    {
        var stack = Stack.Value;
        double rowMm = stack.Grid.Affine.Spacing(1);
        var tilted = Sheared(stack, [0, rowMm, 0]); // one row per slice along +y (LPS): atan(0.977 / 3) = 18°
        var tilt = GantryTiltCorrection.For(tilted.Grid)!;
        Assert.That((tilt.ShiftI, tilt.ShiftJ), Is.EqualTo((0.0, 1.0)).Within(1e-9));
        Assert.That(tilt.TiltDegrees, Is.EqualTo(Math.Atan(rowMm / 3) * 180 / Math.PI).Within(1e-6));
        var untilted = tilt.Untilt(tilted);
        int nx = stack.Grid.SizeX;
        for (int k = 0; k < stack.Grid.SizeZ; k++)
        {
            int offset = k - 10 + tilt.PadJ; // κ = 10
            Assert.That(untilted.Slice(k).Slice(offset * nx, stack.Grid.SliceLength).ToArray(), Is.EqualTo(stack.Slice(k).ToArray()), $"slice {k}");
        }
        Assert.That(tilt.Retilt(untilted).Voxels, Is.EqualTo(tilted.Voxels));
    }

    [Test]
    public void ATiltedDicomSeriesKeepsItsShearInTheAffine()
    {
        var stack = AxisVariants.Crop(Stack.Value, 100, 100, 0, 300, 260, 8);
        using var temp = DicomTestData.NewTempFolder();
        DicomSeriesFromVolume.Write(stack, temp.Path, extraShiftLps: [0, 1.2, 0], gantryTilt: -21.8);
        var read = DicomSeriesReader.ReadVolume(temp.Path);
        Assert.That(read.Voxels, Is.EqualTo(stack.Voxels));
        var expected = Sheared(stack, [0, 1.2, 0]).Grid.Affine;
        Assert.That(read.Grid.Affine.ApproximatelyEquals(expected, 1e-4), Is.True, $"{read.Grid.Affine} vs {expected}");
        var tilt = GantryTiltCorrection.For(read.Grid)!;
        Assert.That(tilt.TiltDegrees, Is.EqualTo(Math.Atan(1.2 / 3) * 180 / Math.PI).Within(1e-3));
    }

    [Test]
    public void ATiltThatChangesWithinTheSeriesIsRefused()
    {
        using var temp = DicomTestData.NewTempFolder();
        var pixels = new short[4];
        for (int k = 0; k < 6; k++)
        {
            double y = k * 1.0 + (k == 3 ? 0.6 : 0); // one slice off the line through the others
            File.WriteAllBytes(temp.File($"s{k}.dcm"), SyntheticDicom.CtSlice("7.7", [0, y, 2.0 * k], pixels, 2, 2).Decimals(DicomTags.GantryDetectorTilt, 26.57).ToFile());
        }
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesReader.ReadVolume(temp.Path))!;
        Assert.That(e.Reason, Does.Contain("not by the same shift").And.Contain("s3.dcm").And.Contain("26.57"));
    }

    /// <summary>
    /// A tilted series made from Case_009 (positions sheared 15°, GantryDetectorTilt −15, dcm2niix's sign for this
    /// shear), de-tilted by NativeSeg and by dcm2niix; both compared with the exact answer: each tilted slice read
    /// bilinearly at the voxel's patient position. NativeSeg must be that to float rounding; dcm2niix is measured.
    /// </summary>
    [Test]
    public void UntiltingMatchesTheGeometryAndDcm2niix()
    {
        var stack = Stack.Value;
        double shift = 3 * Math.Tan(15 * Math.PI / 180);
        using var temp = DicomTestData.NewTempFolder();
        string series = Path.Combine(temp.Path, "series"), output = Path.Combine(temp.Path, "out");
        Directory.CreateDirectory(series);
        Directory.CreateDirectory(output);
        // dcm2niix tunes its conversion by vendor; Case_009 came from a Siemens scanner.
        DicomSeriesFromVolume.Write(stack, series, extraShiftLps: [0, shift, 0], gantryTilt: -15, manufacturer: "SIEMENS");
        var tilted = DicomSeriesReader.ReadVolume(series);
        var tilt = GantryTiltCorrection.For(tilted.Grid)!;
        var ours = tilt.Untilt(tilted);

        var run = Process.Start(new ProcessStartInfo("dcm2niix", ["-z", "y", "-f", "t", "-o", output, series]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string log = run.StandardOutput.ReadToEnd() + run.StandardError.ReadToEnd();
        run.WaitForExit();
        Assert.That(run.ExitCode, Is.Zero, log);
        string corrected = Path.Combine(output, "t_Tilt_1.nii.gz");
        Assert.That(File.Exists(corrected), Is.True, log);
        var reference = ReferenceNifti.Read(corrected);

        // dcm2niix also writes the stack as stored, its sform sheared: the same affine as our reader's.
        var uncorrected = NiftiReader.ReadFloat(Path.Combine(output, "t.nii.gz"));
        var aligned = VolumeAlignment.OntoGrid(uncorrected, tilted.Grid, "t.nii.gz");
        Assert.That(aligned.Voxels, Is.EqualTo(tilted.Voxels), "dcm2niix's uncorrected volume is our tilted volume through the affines");
        var theirs = GantryTiltCorrection.For(uncorrected.Grid)!;
        Assert.That(theirs.TiltDegrees, Is.EqualTo(tilt.TiltDegrees).Within(0.01));

        var oursError = CompareWithExact(tilted, ours.Grid.Affine, (i, j, k) => ours[i, j, k], ours.Grid.SizeX, ours.Grid.SizeY, ours.Grid.SizeZ, 0);
        TestContext.Progress.WriteLine($"NativeSeg untilt vs exact bilinear: mean {oursError.Mean:G3} HU, max {oursError.Max:G3} HU over {oursError.Count} voxels ({tilt})");
        Assert.That(oursError.Max, Is.LessThan(0.05));

        var nifti = new Affine(reference.Srow);
        // dcm2niix 1.0.20220720 places its de-tilted content off its own affine, by an amount that depends on the
        // header (half a row here; 17 rows, the rows it pads, when the same slices keep Siemens' full header), so its
        // content is compared at the best offset in half-row steps and the offset is reported.
        (double Mean, double Max, long Count, double Offset) best = (double.MaxValue, 0, 0, 0);
        for (double offset = -20; offset <= 20; offset += 0.5)
        {
            var e = CompareWithExact(tilted, nifti, (i, j, k) => reference[i, j, k], reference.Dims[0], reference.Dims[1], reference.Dims[2], offset, sliceStep: 10);
            if (e.Count > 0 && e.Mean < best.Mean) best = (e.Mean, e.Max, e.Count, offset);
        }
        TestContext.Progress.WriteLine($"dcm2niix t_Tilt_1 vs exact bilinear: mean {best.Mean:G3} HU, max {best.Max:G3} HU, with its content {best.Offset:F1} rows off its own affine ({best.Offset * stack.Grid.Affine.Spacing(1):F1} mm)");
        Assert.That(best.Mean, Is.LessThan(2.0), "dcm2niix resamples the same in-plane shift");
    }

    /// <summary>
    /// Mean and largest |value − exact| over voxels whose four tilted neighbours exist: exact = the tilted slice's
    /// bilinear interpolation at the voxel's position (through <paramref name="affine"/>, rows offset by
    /// <paramref name="rowOffset"/> voxels of the candidate volume's own j axis).
    /// </summary>
    private static (double Mean, double Max, long Count) CompareWithExact(Volume<float> tilted, Affine affine, Func<int, int, int, float> value,
        int sizeX, int sizeY, int sizeZ, double rowOffset, int sliceStep = 1)
    {
        var t = tilted.Grid.Affine;
        var g = tilted.Grid;
        double sum = 0, max = 0;
        long count = 0;
        for (int k = 0; k < sizeZ; k += sliceStep)
            for (int j = 0; j < sizeY; j += 3)
                for (int i = 0; i < sizeX; i += 3)
                {
                    var p = affine.Apply(i, j + rowOffset, k);
                    // The tilted slice in the voxel's plane (axial slices: by z), then in-plane through the two orthogonal axes.
                    int kt = (int)Math.Round((p.Z - t[2, 3]) / t[2, 2]);
                    if (kt < 0 || kt >= g.SizeZ) continue;
                    double ox = p.X - (t[0, 2] * kt + t[0, 3]), oy = p.Y - (t[1, 2] * kt + t[1, 3]), oz = p.Z - (t[2, 2] * kt + t[2, 3]);
                    double fi = (ox * t[0, 0] + oy * t[1, 0] + oz * t[2, 0]) / Square(t.Spacing(0));
                    double fj = (ox * t[0, 1] + oy * t[1, 1] + oz * t[2, 1]) / Square(t.Spacing(1));
                    int i0 = (int)Math.Floor(fi), j0 = (int)Math.Floor(fj);
                    if (i0 < 0 || j0 < 0 || i0 + 1 >= g.SizeX || j0 + 1 >= g.SizeY) continue;
                    double a = fi - i0, b = fj - j0;
                    double exact = (1 - b) * ((1 - a) * tilted[i0, j0, kt] + a * tilted[i0 + 1, j0, kt]) + b * ((1 - a) * tilted[i0, j0 + 1, kt] + a * tilted[i0 + 1, j0 + 1, kt]);
                    double d = Math.Abs(value(i, j, k) - exact);
                    sum += d;
                    max = Math.Max(max, d);
                    count++;
                }
        return (count == 0 ? double.MaxValue : sum / count, max, count);
    }

    private static double Square(double v) => v * v;
}
