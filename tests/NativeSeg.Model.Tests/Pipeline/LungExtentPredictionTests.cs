using NativeSeg.Imaging.Geometry;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO.Nifti;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;
using NativeSeg.Model.Tests.Inference;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Model.Tests.Pipeline;

/// <summary>
/// The search that runs the network from the middle slice out to the lungs' ends: its in-plane contact test, and on
/// real CT (the lower 32 slices of LCTSC Case_009: the lung bases, then the upper abdomen) the same mask as the network
/// over every slice, from fewer slices.
/// </summary>
public sealed class LungExtentPredictionTests
{
    [Test]
    public void TouchingMeansWithinTheThreeByThreeNeighbourhood()
    {
        const int columns = 7, rows = 5;
        static byte[] Slice(params (int X, int Y)[] voxels)
        {
            var slice = new byte[columns * rows];
            foreach (var (x, y) in voxels) slice[y * columns + x] = 1;
            return slice;
        }
        Assert.That(LungExtentPrediction.Touches(Slice((3, 2)), Slice((3, 2)), columns, rows), Is.True, "same position");
        Assert.That(LungExtentPrediction.Touches(Slice((3, 2)), Slice((4, 3)), columns, rows), Is.True, "diagonal");
        Assert.That(LungExtentPrediction.Touches(Slice((0, 0)), Slice((1, 1)), columns, rows), Is.True, "corner");
        Assert.That(LungExtentPrediction.Touches(Slice((6, 4)), Slice((5, 3)), columns, rows), Is.True, "far corner");
        Assert.That(LungExtentPrediction.Touches(Slice((3, 2)), Slice((5, 2)), columns, rows), Is.False, "two columns apart");
        Assert.That(LungExtentPrediction.Touches(Slice((3, 0)), Slice((3, 2)), columns, rows), Is.False, "two rows apart");
        Assert.That(LungExtentPrediction.Touches(Slice((6, 0)), Slice((0, 1)), columns, rows), Is.False, "no wrap across rows");
        Assert.That(LungExtentPrediction.Touches(Slice(), Slice((3, 2)), columns, rows), Is.False, "empty slice");
        Assert.That(LungExtentPrediction.Touches(Slice((0, 0), (1, 0), (6, 4)), Slice((6, 2)), columns, rows), Is.False, "none of several");
        Assert.That(LungExtentPrediction.Touches(Slice((0, 0), (1, 0), (6, 4)), Slice((5, 3)), columns, rows), Is.True, "the last of several");
    }

    [Test]
    public void TheLungBasesAndAbdomenGiveTheSameMaskFromFewerSlices()
    {
        var ct = NiftiReader.ReadFloat(RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz"));
        var slab = ShippedWeightsTests.Slab(ct, 0, 32);
        using var segmenter = Segmenter.Load(RepositoryPaths.ShippedWeights, "cpu");
        var pipeline = new LungSegmentationPipeline(segmenter);
        var everySlice = pipeline.Run(slab, "Case_009 lower slab", new SegmentationOptions { KeepProbabilities = false, StopAtLungEnds = false, BatchSize = 4 });
        var searched = pipeline.Run(slab, "Case_009 lower slab", new SegmentationOptions { KeepProbabilities = false, BatchSize = 4 });

        TestContext.Progress.WriteLine($"Case_009 slices 0..31: network on {searched.Summary.NetworkSlices} of 32 slices");
        Assert.That(everySlice.Summary.NetworkSlices, Is.EqualTo(32));
        Assert.That(searched.Summary.NetworkSlices, Is.LessThan(32), "the search stops below the lung bases");
        Assert.That(everySlice.Mask.Voxels.Count(v => v != 0), Is.GreaterThan(10000), "the slab holds lung");
        Assert.That(searched.Mask.Voxels, Is.EqualTo(everySlice.Mask.Voxels));

        // The search's own output, before post-processing: in batches of 4 it also runs slices beyond a stop, which it
        // must forget (post-processing would drop them, so only this comparison sees them), so that the batch size
        // changes how many slices run, never what comes out.
        var axial = InputGeometry.For(slab.Grid, "slab").ToNetworkGrid(slab);
        var prepared = SlicePreprocessor.Prepare(axial, "slab");
        var (one, runOne) = LungExtentPrediction.Run(segmenter, axial, prepared, 0.5f, batchSize: 1, null, CancellationToken.None);
        var (four, runFour) = LungExtentPrediction.Run(segmenter, axial, prepared, 0.5f, batchSize: 4, null, CancellationToken.None);
        TestContext.Progress.WriteLine($"search alone: {runOne} slices in batches of 1, {runFour} in batches of 4");
        Assert.That(runFour, Is.GreaterThan(runOne), "batches of 4 run past the stop");
        Assert.That(four.Voxels, Is.EqualTo(one.Voxels));
    }
}
