using System.Diagnostics;
using NativeSeg.Imaging.Geometry;
using NativeSeg.Imaging.Tests.Geometry;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Model.Tests.Pipeline;

/// <summary>
/// The whole pipeline with the shipped weights on a real CT stored in every one of the 48 axis orders, and sheared as
/// by a gantry tilt: the mask must be the axial run's, mapped to that order voxel for voxel (tilt: as near as a
/// resampling allows), on exactly the input's grid. A thin slab of Case_009 through both lungs keeps it fast.
/// </summary>
[TestFixture]
public class AnyOrientationPipelineTests
{
    private Segmenter _segmenter = null!;
    private Volume<float> _slab = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _segmenter = Segmenter.Load(RepositoryPaths.ShippedWeights, "cpu");
        var ct = NiftiReader.ReadFloat(RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz"));
        // Slices 60–61 (mid-lung), the body's rows and columns: 49 runs of two slices each.
        _slab = AxisVariants.Crop(ct, 40, 90, 60, 432, 330, 2);
    }

    [OneTimeTearDown]
    public void Dispose() => _segmenter.Dispose();

    private SegmentationResult Segment(Volume<float> ct, string name) =>
        new LungSegmentationPipeline(_segmenter).Run(ct, name, new SegmentationOptions { BatchSize = 3, SplitLeftRight = true });

    [Test]
    public void EveryAxisOrderGivesTheAxialMaskMappedBack()
    {
        var clock = Stopwatch.StartNew();
        var axial = Segment(_slab, "axial");
        long lung = axial.Mask.Voxels.Count(v => v != 0);
        Assert.That(lung, Is.GreaterThan(10000), "the slab holds lung");
        Assert.That(axial.Mask.Voxels, Does.Contain((byte)1).And.Contain((byte)2), "both lungs labelled");
        int runs = 0;
        foreach (var (permutation, flips) in AxisVariants.All())
        {
            string name = AxisVariants.Name(permutation, flips);
            var variant = AxisVariants.Make(_slab, permutation, flips);
            var result = Segment(variant, name);
            Assert.That(result.Mask.Grid, Is.SameAs(variant.Grid), name);
            Assert.That(result.Mask.Voxels, Is.EqualTo(AxisVariants.Make(axial.Mask, permutation, flips).Voxels), $"{name}: mask");
            Assert.That(result.Probabilities!.Voxels, Is.EqualTo(AxisVariants.Make(axial.Probabilities!, permutation, flips).Voxels), $"{name}: probabilities");
            Assert.That(result.Summary.TotalVolumeMl, Is.EqualTo(axial.Summary.TotalVolumeMl).Within(1e-9), name);
            Assert.That(result.Summary.Slices, Is.EqualTo(2), $"{name}: counted in axial slices");
            runs++;
        }
        Assert.That(runs, Is.EqualTo(48));
        TestContext.Progress.WriteLine($"48 axis orders + the axial run: {lung} lung voxels each, identical; {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// Without the probability map the mask is thresholded while it is resampled (the resampling's own orientations
    /// are tested in SlicePreprocessorTests: the pipeline resamples on the axial grid) and the body is applied to the
    /// mask, not to the map: the same mask and volumes as with the map, no map, in the axial order and in two stored
    /// axis orders that the pipeline maps back (a transposed sagittal one, a flipped coronal one). On this slab no
    /// prediction outside the body survives post-processing either way, so the body step on the mask is checked by
    /// BodyMaskTests, not here. A threshold outside (0, 1) is refused rather than given a different meaning by the two
    /// paths.
    /// </summary>
    [Test]
    public void TheMaskWithoutTheProbabilityMapIsTheSame()
    {
        var variants = new (int[] Permutation, bool[] Flips)[]
        {
            ([0, 1, 2], [false, false, false]), ([2, 1, 0], [true, false, false]), ([0, 2, 1], [false, true, true]),
        };
        foreach (var (permutation, flips) in variants)
        {
            string name = AxisVariants.Name(permutation, flips);
            var ct = AxisVariants.Make(_slab, permutation, flips);
            var withMap = Segment(ct, name);
            var maskOnly = new LungSegmentationPipeline(_segmenter).Run(ct, name,
                new SegmentationOptions { BatchSize = 3, SplitLeftRight = true, KeepProbabilities = false });
            Assert.That(maskOnly.Probabilities, Is.Null, name);
            Assert.That(maskOnly.Mask.Grid, Is.SameAs(ct.Grid), name);
            Assert.That(maskOnly.Mask.Voxels, Is.EqualTo(withMap.Mask.Voxels), $"{name}: mask");
            Assert.That(maskOnly.Summary.TotalVolumeMl, Is.EqualTo(withMap.Summary.TotalVolumeMl), name);
            Assert.That(withMap.Mask.Voxels.Count(v => v != 0), Is.GreaterThan(10000), $"{name}: the slab holds lung");
        }
        foreach (float threshold in new[] { 0f, 1f, float.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => new LungSegmentationPipeline(_segmenter).Run(_slab, "slab",
                new SegmentationOptions { Threshold = threshold, KeepProbabilities = false }), $"threshold {threshold}");
    }

    [Test]
    public void TheUpsideDownAndNonHounsfieldChecksStillWorkInAnyAxisOrder()
    {
        var sagittal = AxisVariants.Make(_slab, [2, 1, 0], [true, false, false]);
        // Anterior and posterior swapped in the header (the y row of the affine negated): the spine appears in front.
        var a = sagittal.Grid.Affine;
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                m[r, c] = (r == 1 ? -1 : 1) * a[r, c];
        var upsideDown = new Volume<float>(new Grid(sagittal.Grid.SizeX, sagittal.Grid.SizeY, sagittal.Grid.SizeZ, new Affine(m)), sagittal.Voxels);
        var e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() => Segment(upsideDown, "upside-down.nii"))!;
        Assert.That(e.Reason, Does.Contain("upside down"));
        // Stored values without the rescale intercept: no air below −500.
        var raw = new Volume<float>(sagittal.Grid, Array.ConvertAll(sagittal.Voxels, v => v + 1024));
        e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() => Segment(raw, "raw.nii"))!;
        Assert.That(e.Reason, Does.Contain("not Hounsfield units"));
    }

    // A whole row per slice moves the pixels without interpolation; the few voxels that differ lie where the body
    // touches the slab's edge, which the untilted grid's padding moves away from the border (body-mask fill).
    [TestCase(1.0, 0.999)]
    [TestCase(0.8231, 0.97)]
    public void AGantryTiltedStackGetsTheAxialMaskBackOnItsTiltedGrid(double rowsPerSlice, double minimumDice)
    {
        // Three slices, each shifted by rowsPerSlice rows along y: 1 row = 18°, 0.8231 rows = 15° at 3 mm slices.
        var ct = AxisVariants.Crop(NiftiReader.ReadFloat(RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz")), 40, 90, 60, 432, 330, 3);
        var a = ct.Grid.Affine;
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                m[r, c] = a[r, c] + (c == 2 ? rowsPerSlice * a[r, 1] : 0);
        var tilted = new Volume<float>(new Grid(ct.Grid.SizeX, ct.Grid.SizeY, ct.Grid.SizeZ, new Affine(m)), ct.Voxels);
        Assert.That(GantryTiltCorrection.For(tilted.Grid), Is.Not.Null);

        var straight = Segment(ct, "untilted");
        var result = Segment(tilted, "tilted");
        Assert.That(result.Mask.Grid, Is.SameAs(tilted.Grid));
        // The tilted stack holds the same pixels as the straight one; the mask on them should be the same.
        long both = 0, sum = 0;
        for (int i = 0; i < ct.Voxels.Length; i++)
        {
            bool x = straight.Mask.Voxels[i] != 0, y = result.Mask.Voxels[i] != 0;
            sum += (x ? 1 : 0) + (y ? 1 : 0);
            both += x && y ? 1 : 0;
        }
        double dice = 2.0 * both / sum;
        TestContext.Progress.WriteLine($"tilt {Math.Atan(rowsPerSlice * a.Spacing(1) / 3) * 180 / Math.PI:F1}°: Dice against the untilted run {dice:F5} ({sum / 2} lung voxels)");
        Assert.That(dice, Is.GreaterThanOrEqualTo(minimumDice));
    }
}
