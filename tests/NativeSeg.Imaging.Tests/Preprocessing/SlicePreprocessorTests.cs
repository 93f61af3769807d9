using System.Diagnostics;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Preprocessing;

[TestFixture]
public class SlicePreprocessorTests
{
    private PreparedVolume _prepared = null!;

    [OneTimeSetUp]
    public void Prepare()
    {
        var ct = Case009.Ct;
        var clock = Stopwatch.StartNew();
        _prepared = SlicePreprocessor.Prepare(ct);
        TestContext.Out.WriteLine($"Case_009 preprocessing: {clock.ElapsedMilliseconds} ms for {ct.Grid.SizeZ} slices");
    }

    [Test]
    public void InputHasTheNetworkShapeAndRange()
    {
        Assert.That(_prepared.Slices, Is.EqualTo(117));
        Assert.That(_prepared.Input, Has.Length.EqualTo(117 * 216 * 296));
        Assert.That(_prepared.Input.Min(), Is.EqualTo(0f));
        Assert.That(_prepared.Input.Max(), Is.EqualTo(1.3f));
        Assert.That(_prepared.Orientation.FlipRows, Is.True, "LCTSC NIfTI is LAS: rows run posterior → anterior on disk");
    }

    [Test]
    public void BodyBoxesAreSane()
    {
        // Case_009 runs from the neck (top 10 slices: the neck alone, narrower than deep) to the upper abdomen.
        foreach (var box in _prepared.Boxes)
        {
            Assert.That(box.HasBody, Is.True);
            Assert.That(box.Width, Is.InRange(100, 512), box.ToString());
            Assert.That(box.Height, Is.InRange(120, 400), box.ToString());
        }
        Assert.That(_prepared.Boxes.Count(b => b.Width > b.Height), Is.GreaterThan(0.9 * _prepared.Slices), "a chest is wider than deep");
        Assert.That(_prepared.Boxes.Take(100).All(b => b.Width > 300), Is.True, "chest slices (inferior first) span the whole trunk");
    }

    [Test]
    public void EveryLungVoxelLiesInsideItsSlicesBox()
    {
        var mask = Case009.Mask;
        var o = _prepared.Orientation;
        var offsets = o.DisplayToSliceOffsets();
        long outside = 0, total = 0;
        for (int n = 0; n < _prepared.Slices; n++)
        {
            var slice = mask.Slice(o.VolumeSlice(n));
            var box = _prepared.Boxes[n];
            for (int p = 0; p < offsets.Length; p++)
            {
                if (slice[offsets[p]] == 0) continue;
                total++;
                if (!box.Contains(p % o.Columns, p / o.Columns)) outside++;
            }
        }
        Assert.That(total, Is.EqualTo(Case009.Mask.Voxels.Count(v => v != 0)));
        Assert.That(outside, Is.Zero);
    }

    [Test]
    public void LabelsRoundTripThroughTheNetworkGrid()
    {
        var labels = _prepared.PrepareLabels(Case009.Mask);
        Assert.That(labels, Has.Length.EqualTo(_prepared.Input.Length));
        Assert.That(labels.All(v => v is 0f or 1f), Is.True);
        var back = _prepared.MapBack(labels);
        Assert.That(back.Grid.SameGeometry(Case009.Mask.Grid), Is.True);
        var mask = back.Voxels.Select(v => v >= 0.5f ? (byte)1 : (byte)0).ToArray();
        double dice = Case009.Dice(mask, Case009.Mask.Voxels);
        TestContext.Out.WriteLine($"label resize round trip Dice {dice:F4}");
        Assert.That(dice, Is.GreaterThan(0.98));
    }

    [Test]
    public void LungIntensitiesAreDarkAndLabelsFollowTheInput()
    {
        // Inside the resized lung label the normalised intensity must mostly be lung-dark (< 0.6 ⇔ < −400 HU).
        var labels = _prepared.PrepareLabels(Case009.Mask);
        long lung = 0, dark = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == 0) continue;
            lung++;
            if (_prepared.Input[i] < 0.6f) dark++;
        }
        Assert.That(dark / (double)lung, Is.GreaterThan(0.85));
    }

    [Test]
    public void LpsStoredCopyGivesIdenticalNetworkInput()
    {
        var flipped = SlicePreprocessor.Prepare(Case009.FlipJAndK(Case009.Ct));
        Assert.That(flipped.Orientation.FlipRows, Is.False);
        Assert.That(flipped.Orientation.FlipSlices, Is.True);
        Assert.That(flipped.Boxes, Is.EqualTo(_prepared.Boxes));
        Assert.That(flipped.Input.AsSpan().SequenceEqual(_prepared.Input), Is.True);

        // And the way back lands on the flipped grid: labels of the flipped mask map back onto it.
        var flippedMask = Case009.FlipJAndK(Case009.Mask);
        var back = flipped.MapBack(flipped.PrepareLabels(flippedMask));
        var mask = back.Voxels.Select(v => v >= 0.5f ? (byte)1 : (byte)0).ToArray();
        Assert.That(Case009.Dice(mask, flippedMask.Voxels), Is.GreaterThan(0.98));
    }

    // MapBack writes whole box rows when the display columns run along the slice's rows: every orientation (transposed
    // or not, columns and rows either way) must still land each value where the per-pixel display → slice map says;
    // MapBackThresholded the same values' threshold.
    [TestCase(false, 1, 1)]
    [TestCase(false, -1, 1)]
    [TestCase(false, 1, -1)]
    [TestCase(false, -1, -1)]
    [TestCase(true, 1, 1)]
    [TestCase(true, -1, 1)]
    [TestCase(true, 1, -1)]
    [TestCase(true, -1, -1)]
    public void MapBackPlacesEveryPixelInEveryOrientation(bool transposed, int first, int second)
    {
        var matrix = transposed
            ? new double[,] { { 0, 0.9 * first, 0, 0 }, { 0.8 * second, 0, 0, 0 }, { 0, 0, 2, 0 } }
            : new double[,] { { 0.9 * first, 0, 0, 0 }, { 0, 0.8 * second, 0, 0 }, { 0, 0, 2, 0 } };
        var grid = new Grid(37, 29, 3, new Affine(matrix));
        var random = new Random(transposed ? 7 : 3);
        var ct = new Volume<float>(grid, Enumerable.Repeat(-1000f, grid.VoxelCount).ToArray());
        for (int z = 0; z < 3; z++)
            for (int y = 4 + z; y < 25; y++)
                for (int x = 6; x < 33 - z; x++)
                    ct[x, y, z] = random.Next(-200, 200);
        var prepared = SlicePreprocessor.Prepare(ct);
        Assert.That(prepared.Orientation.Transposed, Is.EqualTo(transposed));
        var maps = new float[prepared.Slices * PreparedVolume.SliceValues];
        for (int i = 0; i < maps.Length; i++) maps[i] = random.NextSingle();

        var back = prepared.MapBack(maps);

        var o = prepared.Orientation;
        var offsets = o.DisplayToSliceOffsets();
        for (int n = 0; n < prepared.Slices; n++)
        {
            var box = prepared.Boxes[n];
            var expected = new float[grid.SizeX * grid.SizeY];
            var boxPixels = new float[box.Width * box.Height];
            BilinearResize.Resize(maps.AsSpan(n * PreparedVolume.SliceValues, PreparedVolume.SliceValues), PreparedVolume.Width,
                new CropBox(0, 0, PreparedVolume.Width, PreparedVolume.Height, true), boxPixels, box.Width, box.Height);
            for (int r = 0; r < box.Height; r++)
                for (int c = 0; c < box.Width; c++)
                    expected[offsets[box.Left + c + o.Columns * (box.Top + r)]] = boxPixels[c + box.Width * r];
            Assert.That(back.Slice(o.VolumeSlice(n)).ToArray(), Is.EqualTo(expected), $"slice {n}, box {box}");
        }

        // The thresholded way back is MapBack's values thresholded, voxel for voxel.
        var thresholded = prepared.MapBackThresholded(maps, 0.5f);
        Assert.That(thresholded.Voxels, Is.EqualTo(back.Voxels.Select(v => v >= 0.5f ? (byte)1 : (byte)0).ToArray()));
        Assert.That(thresholded.Voxels.Count(v => v != 0), Is.GreaterThan(100));
    }

    [Test]
    public void SliceWithoutBodyFallsBackToTheWholeSlice()
    {
        var grid = new Grid(40, 30, 2, Affine.FromSpacing(-1, 1, 1));
        var ct = new Volume<float>(grid, Enumerable.Repeat(-1000f, grid.VoxelCount).ToArray());
        for (int y = 5; y < 20; y++)
            for (int x = 10; x < 30; x++)
                ct[x, y, 1] = 40;
        var prepared = SlicePreprocessor.Prepare(ct);
        Assert.That(prepared.Boxes[0], Is.EqualTo(CropBox.Whole(40, 30)));
        // Slice 1: x 10..29 → columns 10..29 (x already runs to the left); y 5..19 → rows 10..24 (rows flipped).
        Assert.That(prepared.Boxes[1], Is.EqualTo(new CropBox(10, 10, 20, 15, true)));
        Assert.That(prepared.Input.AsSpan(0, 296 * 216).ToArray().All(v => v == 0f), Is.True);
        Assert.That(prepared.Input.AsSpan(296 * 216).ToArray().All(v => Math.Abs(v - 1.04f) < 1e-6), Is.True, "the crop holds body only");
    }
}
