using NativeSeg.Imaging.Geometry;
using NativeSeg.IO;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Geometry;

[TestFixture]
public class SliceOrientationTests
{
    private static Grid GridWith(double[,] m) => new(4, 3, 2, new Affine(m));

    [Test]
    public void LasFlipsRowsOnly()
    {
        var o = SliceOrientation.FromGrid(GridWith(new double[,] { { -1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 3, 0 } }));
        Assert.That((o.Transposed, o.FlipColumns, o.FlipRows, o.FlipSlices), Is.EqualTo((false, false, true, false)));
    }

    [Test]
    public void LpsNeedsNothing()
    {
        var lps = Affine.FromLps(Affine.FromSpacing(0.7, 0.7, 2));
        var o = SliceOrientation.FromGrid(new Grid(4, 3, 2, lps));
        Assert.That((o.Transposed, o.FlipColumns, o.FlipRows, o.FlipSlices), Is.EqualTo((false, false, false, false)));
    }

    [Test]
    public void RasFlipsColumnsAndRows()
    {
        var o = SliceOrientation.FromGrid(new Grid(4, 3, 2, Affine.FromSpacing(1, 1, 1)));
        Assert.That((o.FlipColumns, o.FlipRows), Is.EqualTo((true, true)));
    }

    [Test]
    public void SwappedInPlaneAxesAreTransposedAndSuperiorToInferiorSlicesReversed()
    {
        // i runs posterior (−y), j runs to the patient's left (−x), k runs inferior (−z).
        var grid = GridWith(new double[,] { { 0, -1, 0, 0 }, { -1, 0, 0, 0 }, { 0, 0, -2, 0 } });
        var o = SliceOrientation.FromGrid(grid);
        Assert.That((o.Transposed, o.FlipColumns, o.FlipRows, o.FlipSlices), Is.EqualTo((true, false, false, true)));
        Assert.That((o.Columns, o.Rows), Is.EqualTo((3, 4)));
        Assert.That(o.VolumeSlice(0), Is.EqualTo(1));
    }

    [Test]
    public void DisplayPixelsRunRightToLeftAndAnteriorToPosterior()
    {
        // Any orientation: moving one display column must move towards the patient's left (−x in RAS),
        // one display row towards posterior (−y).
        double[][,] affines =
        [
            new double[,] { { -1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 3, 0 } },
            new double[,] { { 1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 0, 3, 0 } },
            new double[,] { { 0, 1, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 3, 0 } },
            new double[,] { { 0, -1, 0, 0 }, { -1, 0, 0, 0 }, { 0, 0, -3, 0 } },
        ];
        foreach (var m in affines)
        {
            var grid = GridWith(m);
            var o = SliceOrientation.FromGrid(grid);
            var offsets = o.DisplayToSliceOffsets();
            (double X, double Y, double Z) Position(int c, int r)
            {
                int offset = offsets[c + o.Columns * r];
                return grid.Affine.Apply(offset % grid.SizeX, offset / grid.SizeX, 0);
            }
            Assert.That(Position(1, 0).X - Position(0, 0).X, Is.LessThan(0), $"columns for {grid.Affine}");
            Assert.That(Position(0, 1).Y - Position(0, 0).Y, Is.LessThan(0), $"rows for {grid.Affine}");
            Assert.That(offsets.Distinct().Count(), Is.EqualTo(offsets.Length));
        }
    }

    [Test]
    public void SagittalSlicesAreRejected()
    {
        var grid = GridWith(new double[,] { { 0, 0, 1, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 } });
        var e = Assert.Throws<InvalidInputException>(() => SliceOrientation.FromGrid(grid, "sagittal.nii"));
        Assert.That(e!.Path, Is.EqualTo("sagittal.nii"));
        Assert.That(e.Reason, Does.Contain("not axial"));
    }
}
