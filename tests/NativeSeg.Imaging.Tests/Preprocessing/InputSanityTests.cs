using NativeSeg.Imaging.Geometry;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Preprocessing;

[TestFixture]
public class InputSanityTests
{
    [Test]
    public void Case009IsFine()
    {
        var report = InputSanity.CheckCt(Case009.Ct);
        Assert.That(report.IsOk, Is.True, report.Message);
        double position = InputSanity.BoneAnteriorPosteriorPosition(Case009.Ct, SliceOrientation.FromGrid(Case009.Ct.Grid));
        TestContext.Out.WriteLine($"Case_009 bone A–P position {position:F3}");
        Assert.That(position, Is.GreaterThan(0.55));
    }

    [Test]
    public void RawStoredValuesAreNotHounsfield()
    {
        var ct = Case009.Ct;
        var raw = new Volume<float>(ct.Grid, ct.Voxels.Select(v => v + 1024f).ToArray()); // undo scl_inter
        var report = InputSanity.CheckCt(raw);
        Assert.That(report.IsOk, Is.False);
        Assert.That(report.Message, Does.Contain("below −500 HU").And.Contain("rescale"));
    }

    [Test]
    public void AnteriorPosteriorFlipIsDetected()
    {
        // Rows reversed in the data but not in the affine: what a wrong header does.
        var ct = Case009.Ct;
        var g = ct.Grid;
        var flipped = new Volume<float>(g);
        for (int z = 0; z < g.SizeZ; z++)
            for (int y = 0; y < g.SizeY; y++)
                ct.Voxels.AsSpan(g.Index(0, y, z), g.SizeX).CopyTo(flipped.Voxels.AsSpan(g.Index(0, g.SizeY - 1 - y, z), g.SizeX));
        var report = InputSanity.CheckCt(flipped);
        Assert.That(report.IsOk, Is.False);
        Assert.That(report.Message, Does.Contain("upside down"));
    }

    [Test]
    public void NonAxialAndNonFiniteInputsAreReported()
    {
        var grid = new Grid(8, 8, 8, new Affine(new double[,] { { 0, 0, 1, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 } }));
        var voxels = Enumerable.Repeat(-1000f, grid.VoxelCount).ToArray();
        voxels[3] = float.NaN;
        var report = InputSanity.CheckCt(new Volume<float>(grid, voxels));
        Assert.That(report.Problems, Has.Count.EqualTo(2));
        Assert.That(report.Message, Does.Contain("not axial").And.Contain("NaN"));
    }

    [Test]
    public void EmptyMaskGetsAnExplanation()
    {
        var grid = new Grid(8, 8, 8, Affine.FromSpacing(-1, 1, 1));
        var ct = new Volume<float>(grid, Enumerable.Repeat(3000f, grid.VoxelCount).ToArray());
        var report = InputSanity.CheckMask(new Volume<byte>(grid), ct);
        Assert.That(report.IsOk, Is.False);
        Assert.That(report.Message, Does.StartWith("The lung mask is empty.").And.Contain("−500 HU"));
        var mask = new Volume<byte>(grid);
        mask[1, 1, 1] = 1;
        Assert.That(InputSanity.CheckMask(mask, ct).IsOk, Is.True);
    }
}
