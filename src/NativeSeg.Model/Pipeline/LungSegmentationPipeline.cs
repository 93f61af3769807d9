using System.Diagnostics;
using NativeSeg.Imaging.Geometry;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Inference;

namespace NativeSeg.Model.Pipeline;

/// <summary>
/// CT volume in, lung mask out: untilt and reorient to the axial order (<see cref="InputGeometry"/>) → sanity check → per-slice body crop and resize to the network grid → network
/// probabilities in batches → map back into each slice's box on the original grid → postprocessing (probabilities
/// outside the body set to 0, see <see cref="BodyMask"/>; optionally hardly aerated pieces dropped, see
/// <see cref="AeratedLungGuard"/>; lung components kept; holes filled) → back onto the input's grid.
/// </summary>
public sealed class LungSegmentationPipeline(Segmenter segmenter)
{
    /// <summary>The lung probability threshold a run with default options uses: the weights' own, else 0.5.</summary>
    public float DefaultThreshold => segmenter.Metadata.ThresholdOr(null);

    /// <summary>
    /// Segments <paramref name="ct"/> (HU). <paramref name="source"/> names the input in error messages.
    /// progress receives (slices done, total). Any axis order is segmented in NativeSeg's axial order
    /// (<see cref="AxialReorientation"/>, lossless) and a gantry-tilted stack on an untilted grid
    /// (<see cref="GantryTiltCorrection"/>); the mask and probabilities come back on exactly <paramref name="ct"/>'s grid.
    /// Input that is not a CT in HU, is oblique or is upside down is refused with the reason.
    /// </summary>
    public SegmentationResult Run(Volume<float> ct, string source, SegmentationOptions options,
        Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(ct);
        int batchSize = options.BatchSize ?? SegmentationOptions.DefaultBatchSize(segmenter.Backend);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "the batch size must be at least 1.");
        // A probability threshold outside (0, 1) would make every voxel lung, or none; inside it, a voxel outside the body
        // (probability set to 0) is never lung, which lets the mask-only path below skip the float map.
        float threshold = segmenter.Metadata.ThresholdOr(options.Threshold);
        if (Weights.WeightsMetadata.ThresholdProblem(threshold) is string problem)
            throw new ArgumentOutOfRangeException(nameof(options), threshold, $"the threshold {problem}.");
        if (AeratedLungGuard.SettingProblem(options.MinAeratedShare) is string shareProblem)
            throw new ArgumentOutOfRangeException(nameof(options), options.MinAeratedShare, $"the minimum aerated share {shareProblem}.");
        var clock = Stopwatch.StartNew();
        var (geometry, axial, prepared) = PrepareAxial(ct, source);
        double preprocessing = clock.Elapsed.TotalSeconds;
        var postprocessing = new LungPostprocessingOptions
        {
            Threshold = threshold,
            SplitLeftRight = true,
            FillHoles = options.Postprocess,
            MinAeratedShare = options.MinAeratedShare,
        };
        Volume<float>? probabilities = null;
        Volume<byte> labelled;
        double network;
        int slicesRun = prepared.Slices;
        if (options.Postprocess && !options.KeepProbabilities)
        {
            // Lungs lie inside the body: voxels outside it (air around the patient, the table) are not lung. The
            // search applies the body to each slice as it goes (its contact test needs it), the full run afterwards.
            if (options.StopAtLungEnds)
            {
                (labelled, slicesRun) = LungExtentPrediction.Run(segmenter, axial, prepared, threshold, batchSize, progress, cancellation);
                cancellation.ThrowIfCancellationRequested();
                network = clock.Elapsed.TotalSeconds - preprocessing;
            }
            else
            {
                var maps = PredictAll(prepared, batchSize, progress, cancellation);
                cancellation.ThrowIfCancellationRequested();
                network = clock.Elapsed.TotalSeconds - preprocessing;
                labelled = prepared.MapBackThresholded(maps, threshold);
                BodyMask.ZeroOutside(axial, labelled);
            }
            LungPostprocessor.ProcessInPlace(labelled, postprocessing, axial);
        }
        else
        {
            var maps = PredictAll(prepared, batchSize, progress, cancellation);
            cancellation.ThrowIfCancellationRequested();
            network = clock.Elapsed.TotalSeconds - preprocessing;
            probabilities = prepared.MapBack(maps);
            if (options.Postprocess)
            {
                BodyMask.ZeroOutside(axial, probabilities);
                labelled = LungPostprocessor.Process(probabilities, postprocessing, axial);
            }
            else
            {
                labelled = LungPostprocessor.Threshold(probabilities, threshold);
                LungSplitter.SplitInPlace(labelled);
            }
        }
        var emptyCheck = InputSanity.CheckMask(labelled, axial);
        if (options.RefuseEmptyMask && !emptyCheck.IsOk)
            throw new InvalidInputException(source, emptyCheck.Message);

        var labelledOnInput = geometry.ToInputGrid(labelled);
        var probabilitiesOnInput = probabilities is null ? null : geometry.ToInputGrid(probabilities);
        double total = clock.Elapsed.TotalSeconds;
        var summary = Summarise(ct, labelledOnInput, axial.Grid.SizeZ, total, segmenter.Backend.Description) with
        {
            Stages = new SegmentationStageTimes(preprocessing, network, total - preprocessing - network),
            NetworkSlices = slicesRun,
        };
        var mask = options.SplitLeftRight ? labelledOnInput : Binary(labelledOnInput);
        return new SegmentationResult(mask, probabilitiesOnInput, summary);
    }

    /// <summary>
    /// The network's lung probabilities on the axial grid, before any post-processing (for
    /// <see cref="PostprocessingAblation"/>); the same checks and preprocessing as <see cref="Run"/>.
    /// </summary>
    internal AxialPrediction PredictOnAxialGrid(Volume<float> ct, string source, int batchSize, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(ct);
        var (geometry, axial, prepared) = PrepareAxial(ct, source);
        var maps = PredictAll(prepared, batchSize, null, cancellation);
        cancellation.ThrowIfCancellationRequested();
        return new AxialPrediction(geometry, axial, prepared.MapBack(maps));
    }

    private (InputGeometry Geometry, Volume<float> Axial, PreparedVolume Prepared) PrepareAxial(Volume<float> ct, string source)
    {
        var geometry = InputGeometry.For(ct.Grid, source);
        var axial = geometry.ToNetworkGrid(ct);
        var sanity = InputSanity.CheckCt(axial);
        if (!sanity.IsOk)
            throw new InvalidInputException(source, sanity.Message);
        return (geometry, axial, SlicePreprocessor.Prepare(axial, source, segmenter.SliceContext));
    }

    private float[] PredictAll(PreparedVolume prepared, int batchSize, Action<int, int>? progress, CancellationToken cancellation) =>
        segmenter.PredictProbabilities(prepared.Input, prepared.Slices, SlicePreprocessor.Height, SlicePreprocessor.Width,
            batchSize, progress, cancellation);

    /// <summary>Right/left labels → 1, in place: the labels are not needed once the summary has counted them.</summary>
    private static Volume<byte> Binary(Volume<byte> labelled)
    {
        var v = labelled.Voxels;
        for (int i = 0; i < v.Length; i++) if (v[i] > 1) v[i] = 1;
        return labelled;
    }

    private static SegmentationSummary Summarise(Volume<float> ct, Volume<byte> labelled, int axialSlices, double seconds, string device)
    {
        long right = 0, left = 0;
        double huSum = 0;
        for (int i = 0; i < labelled.Voxels.Length; i++)
        {
            byte label = labelled.Voxels[i];
            if (label == 0) continue;
            if (label == LungSplitter.RightLung) right++; else left++;
            huSum += ct.Voxels[i];
        }
        double millilitresPerVoxel = ct.Grid.VoxelVolume / 1000.0;
        long total = right + left;
        return new SegmentationSummary(axialSlices, total * millilitresPerVoxel, right * millilitresPerVoxel, left * millilitresPerVoxel,
            total > 0 ? huSum / total : double.NaN, seconds, device);
    }
}
