using NativeSeg.Imaging.Geometry;
using NativeSeg.IO;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Tests.Dicom;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Geometry;

[TestFixture]
public class AxialReorientationTests
{
    /// <summary>A 160×120×10 block of Case_009 through both lungs, in the NIfTI's own LAS order.</summary>
    private static readonly Lazy<Volume<float>> Block = new(() => AxisVariants.Crop(Case009.Ct, 170, 150, 60, 160, 120, 10));

    [Test]
    public void EveryAxisOrderOfARealCtReorientsToTheSameAxialVoxelsAndBackExactly()
    {
        var original = Block.Value;
        var reference = AxialReorientation.For(original.Grid);
        var axial = reference.ToAxial(original);
        int count = 0;
        foreach (var (permutation, flips) in AxisVariants.All())
        {
            string name = AxisVariants.Name(permutation, flips);
            var variant = AxisVariants.Make(original, permutation, flips);
            var reorientation = AxialReorientation.For(variant.Grid, name);
            var mine = reorientation.ToAxial(variant);
            Assert.That(mine.Grid.SizeX, Is.EqualTo(axial.Grid.SizeX), name);
            Assert.That(mine.Grid.SizeY, Is.EqualTo(axial.Grid.SizeY), name);
            Assert.That(mine.Grid.SizeZ, Is.EqualTo(axial.Grid.SizeZ), name);
            Assert.That(mine.Grid.Affine.ApproximatelyEquals(axial.Grid.Affine, 1e-9), Is.True, $"{name}: {mine.Grid.Affine} vs {axial.Grid.Affine}");
            Assert.That(mine.Voxels, Is.EqualTo(axial.Voxels), $"{name}: axial voxels");

            // Back: the same grid object, every voxel where it was.
            var back = reorientation.FromAxial(mine);
            Assert.That(back.Grid, Is.SameAs(variant.Grid), name);
            Assert.That(back.Voxels, Is.EqualTo(variant.Voxels), $"{name}: round trip");
            count++;
        }
        Assert.That(count, Is.EqualTo(48));
    }

    [Test]
    public void AxialAxesRunLeftPosteriorSuperiorAndKeepEveryVoxelsPosition()
    {
        var variant = AxisVariants.Make(Block.Value, [2, 0, 1], [true, false, true]);
        var reorientation = AxialReorientation.For(variant.Grid);
        var axial = reorientation.Axial.Affine;
        Assert.That((axial[0, 0] < 0, axial[1, 1] < 0, axial[2, 2] > 0), Is.EqualTo((true, true, true)), axial.ToString());
        var volume = reorientation.ToAxial(variant);
        var g = volume.Grid;
        var inverse = Invert(variant.Grid.Affine);
        foreach (var (x, y, z) in new[] { (0, 0, 0), (g.SizeX - 1, 3, 7), (17, g.SizeY - 1, g.SizeZ - 1), (80, 60, 5) })
        {
            var (px, py, pz) = g.Affine.Apply(x, y, z);
            var (i, j, k) = Apply(inverse, px, py, pz);
            Assert.That(Math.Abs(i - Math.Round(i)) + Math.Abs(j - Math.Round(j)) + Math.Abs(k - Math.Round(k)), Is.LessThan(1e-6));
            Assert.That(volume[x, y, z], Is.EqualTo(variant[(int)Math.Round(i), (int)Math.Round(j), (int)Math.Round(k)]));
        }
    }

    [Test]
    public void AnAxialDicomSeriesIsAlreadyInTheAxialOrder()
    {
        var ct = DicomSeriesReader.ReadVolume(DicomTestData.Data("cip", "ct-64_dicom"));
        var reorientation = AxialReorientation.For(ct.Grid);
        Assert.That(reorientation.IsIdentity, Is.True, reorientation.ToString());
        Assert.That(reorientation.ToAxial(ct), Is.SameAs(ct));
    }

    [Test]
    public void ACoronalDicomSeriesMadeFromARealCtReadsBackAsTheSameAxialVoxels()
    {
        // The block in the DICOM axial order, then stored coronal: axis 0 left, axis 1 head → feet, axis 2 anterior → posterior.
        var axial = AxialReorientation.For(Block.Value.Grid).ToAxial(Block.Value);
        var coronal = AxisVariants.Make(axial, [0, 2, 1], [false, true, false]);
        using var temp = DicomTestData.NewTempFolder();
        DicomSeriesFromVolume.Write(coronal, temp.Path);
        var read = DicomSeriesReader.ReadVolume(temp.Path);
        Assert.That(read.Grid.SizeZ, Is.EqualTo(axial.Grid.SizeY), "one DICOM file per coronal plane");
        var reorientation = AxialReorientation.For(read.Grid, temp.Path);
        var back = reorientation.ToAxial(read);
        Assert.That(back.Voxels, Is.EqualTo(axial.Voxels));
        Assert.That(back.Grid.Affine.ApproximatelyEquals(axial.Grid.Affine, 1e-4), Is.True, $"{back.Grid.Affine} vs {axial.Grid.Affine}");
    }

    [Test]
    public void ObliqueAxesAreRefusedWithTheirAngle()
    {
        double angle = 40 * Math.PI / 180;
        var rotated = new Affine(new double[,]
        {
            { Math.Cos(angle), -Math.Sin(angle), 0, 0 },
            { Math.Sin(angle), Math.Cos(angle), 0, 0 },
            { 0, 0, 2, 0 },
        });
        var e = Assert.Throws<InvalidInputException>(() => AxialReorientation.For(new Grid(4, 4, 4, rotated), "oblique.nii"))!;
        Assert.That(e.Path, Is.EqualTo("oblique.nii"));
        Assert.That(e.Reason, Does.Contain("oblique").And.Contain("40.0°").And.Contain("index axis 0"));

        // 20° stays within the limit (a tilted acquisition recorded in the orientation): reoriented, not refused.
        double small = 20 * Math.PI / 180;
        var tilted = new Affine(new double[,] { { 1, 0, 0, 0 }, { 0, Math.Cos(small), Math.Sin(small), 0 }, { 0, -Math.Sin(small), Math.Cos(small), 0 } });
        Assert.That(AxialReorientation.For(new Grid(4, 4, 4, tilted)).ObliqueDegrees, Is.EqualTo(20).Within(1e-9));
    }

    [Test]
    public void TwoAxesAlongOnePatientAxisAreRefused()
    {
        // Index axes 0 and 1 both within 13° of superior–inferior (a skewed grid no reader would pass, but the class must not guess).
        var shared = new Grid(4, 4, 4, new Affine(new double[,] { { 0.1, 0.1, 1, 0 }, { 0, 0.2, 0, 0 }, { 1, 1, 0, 0 } }));
        var e = Assert.Throws<InvalidInputException>(() => AxialReorientation.For(shared, "skew.nii"))!;
        Assert.That(e.Reason, Does.Contain("index axes 0 and 1 both point mainly along the superior–inferior axis"));
    }

    private static double[,] Invert(Affine a)
    {
        var m = new double[3, 3];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) m[r, c] = a[r, c];
        double det = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0]) + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        var inv = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
            {
                int r1 = (c + 1) % 3, r2 = (c + 2) % 3, c1 = (r + 1) % 3, c2 = (r + 2) % 3;
                inv[r, c] = (m[r1, c1] * m[r2, c2] - m[r1, c2] * m[r2, c1]) / det;
            }
        for (int r = 0; r < 3; r++) inv[r, 3] = -(inv[r, 0] * a[0, 3] + inv[r, 1] * a[1, 3] + inv[r, 2] * a[2, 3]);
        return inv;
    }

    private static (double, double, double) Apply(double[,] m, double x, double y, double z) =>
        (m[0, 0] * x + m[0, 1] * y + m[0, 2] * z + m[0, 3], m[1, 0] * x + m[1, 1] * y + m[1, 2] * z + m[1, 3], m[2, 0] * x + m[2, 1] * y + m[2, 2] * z + m[2, 3]);
}
