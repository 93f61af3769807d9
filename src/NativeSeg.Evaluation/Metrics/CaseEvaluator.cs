using System.Numerics;
using NativeSeg.Evaluation.Roc;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Metrics;

/// <summary>The metrics of one case and its ROC histogram (to be pooled per group).</summary>
public sealed record CaseEvaluation(CaseMetrics Metrics, RocHistogram Roc);

/// <summary>
/// Computes <see cref="CaseMetrics"/> in one pass over the voxels, slices in parallel. Each slice accumulates its own
/// counts and float64 sums, which are then added in slice order, so results do not depend on thread scheduling.
/// </summary>
public static class CaseEvaluator
{
    /// <param name="ct">CT in HU.</param>
    /// <param name="reference">Reference mask; any non-zero label is lung.</param>
    /// <param name="prediction">Predicted mask (non-zero = lung); when null, probabilities ≥ the threshold are lung.</param>
    /// <param name="probabilities">Lung probability map in [0, 1]; when null the ROC uses the binary prediction.</param>
    public static CaseEvaluation Evaluate(Volume<float> ct, Volume<byte> reference, Volume<byte>? prediction,
        Volume<float>? probabilities, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        ArgumentNullException.ThrowIfNull(ct);
        ArgumentNullException.ThrowIfNull(reference);
        if (prediction is null && probabilities is null)
            throw new ArgumentException("Evaluation needs a predicted mask or a probability map.");
        RequireSameGrid(ct.Grid, reference.Grid, "reference mask");
        if (prediction is not null) RequireSameGrid(ct.Grid, prediction.Grid, "predicted mask");
        if (probabilities is not null) RequireSameGrid(ct.Grid, probabilities.Grid, "probability map");

        Grid grid = ct.Grid;
        SliceBox[] boxes = options.RocRegion == RocRegion.BodyBoundingBox
            ? BodyBoundingBox.PerSlice(ct, options.BodyThresholdHu)
            : Enumerable.Repeat(new SliceBox(0, 0, grid.SizeX - 1, grid.SizeY - 1), grid.SizeZ).ToArray();

        var sums = new SliceSums[grid.SizeZ];
        // One block of consecutive slices per core, each with its own histogram (1.4 MB at 65 536 bins): Parallel.For's
        // per-task state would allocate one per work item it schedules.
        int blocks = Math.Min(Environment.ProcessorCount, grid.SizeZ);
        var histograms = new RocHistogram[blocks];
        Parallel.For(0, blocks, block =>
        {
            var local = new RocHistogram(options.RocBins);
            for (int z = block * grid.SizeZ / blocks; z < (block + 1) * grid.SizeZ / blocks; z++)
                sums[z] = AccumulateSlice(ct, reference, prediction, probabilities, z, boxes[z], options, local);
            histograms[block] = local;
        });
        var roc = histograms[0];
        for (int b = 1; b < blocks; b++) roc.Add(histograms[b]); // integer counts: exact in any order

        var total = new SliceSums();
        foreach (var s in sums) total.Add(s);
        return new CaseEvaluation(total.ToMetrics(grid.VoxelVolume, roc, probabilities is not null), roc);
    }

    private static void RequireSameGrid(Grid ct, Grid other, string what)
    {
        if (!ct.SameGeometry(other))
            throw new ArgumentException($"The {what} ({other}) is not on the CT's grid ({ct}).");
    }

    private static SliceSums AccumulateSlice(Volume<float> ct, Volume<byte> reference, Volume<byte>? prediction,
        Volume<float>? probabilities, int z, SliceBox box, EvaluationOptions options, RocHistogram roc)
    {
        int sizeX = ct.Grid.SizeX;
        ReadOnlySpan<float> hu = ct.Slice(z);
        ReadOnlySpan<byte> r = reference.Slice(z);
        ReadOnlySpan<byte> p = prediction is null ? default : prediction.Slice(z);
        ReadOnlySpan<float> q = probabilities is null ? default : probabilities.Slice(z);
        float threshold = options.ProbabilityThreshold;
        double low = options.IntensityLowHu, scale = 1.0 / options.IntensityScaleHu, max = options.IntensityMax;
        var s = new SliceSums();
        int width = Vector<byte>.Count;
        for (int i = 0; i < hu.Length; i++)
        {
            // Most voxels are in neither mask: skip a whole vector of them when both masks are zero there.
            if (prediction is not null && (i & (width - 1)) == 0 && i + width <= hu.Length
                && (new Vector<byte>(r.Slice(i, width)) | new Vector<byte>(p.Slice(i, width))) == Vector<byte>.Zero)
            {
                i += width - 1;
                continue;
            }
            bool inReference = r[i] != 0;
            bool inPrediction = prediction is null ? q[i] >= threshold : p[i] != 0;
            if (!inReference && !inPrediction)
                continue;
            double h = hu[i];
            if (inReference) { s.Reference++; s.ReferenceHu += h; }
            if (inPrediction) { s.Predicted++; s.PredictedHu += h; }
            if (inReference == inPrediction) { s.TruePositive++; continue; }
            double intensity = Math.Clamp((h - low) * scale, 0.0, max);
            if (inPrediction) { s.FalsePositive++; s.FalsePositiveIntensity += intensity; }
            else { s.FalseNegative++; s.FalseNegativeIntensity += intensity; }
        }
        if (!box.IsEmpty)
        {
            int boxWidth = box.MaxX - box.MinX + 1;
            for (int y = box.MinY; y <= box.MaxY; y++)
            {
                int rowStart = y * sizeX + box.MinX;
                if (probabilities is null)
                    roc.AddBinary(p.Slice(rowStart, boxWidth), r.Slice(rowStart, boxWidth));
                else
                    roc.Add(q.Slice(rowStart, boxWidth), r.Slice(rowStart, boxWidth));
            }
            s.RocVoxels = box.Area;
        }
        return s;
    }

    private struct SliceSums
    {
        public long Reference, Predicted, TruePositive, FalsePositive, FalseNegative, RocVoxels;
        public double ReferenceHu, PredictedHu, FalsePositiveIntensity, FalseNegativeIntensity;

        public void Add(SliceSums o)
        {
            Reference += o.Reference; Predicted += o.Predicted; TruePositive += o.TruePositive;
            FalsePositive += o.FalsePositive; FalseNegative += o.FalseNegative; RocVoxels += o.RocVoxels;
            ReferenceHu += o.ReferenceHu; PredictedHu += o.PredictedHu;
            FalsePositiveIntensity += o.FalsePositiveIntensity; FalseNegativeIntensity += o.FalseNegativeIntensity;
        }

        public readonly CaseMetrics ToMetrics(double voxelVolumeMm3, RocHistogram roc, bool fromProbabilities)
        {
            double r = Reference, p = Predicted;
            double union = r + p - TruePositive;
            double referenceMeanHu = Reference > 0 ? ReferenceHu / r : double.NaN;
            double predictedMeanHu = Predicted > 0 ? PredictedHu / p : double.NaN;
            return new CaseMetrics
            {
                Dice = r + p > 0 ? 2.0 * TruePositive / (r + p) : double.NaN,
                Jaccard = union > 0 ? TruePositive / union : double.NaN,
                // I·P − I·R is +I on P \ R, −I on R \ P and 0 elsewhere.
                MeanError = Ratio(FalsePositiveIntensity - FalseNegativeIntensity, r),
                MeanAbsoluteError = Ratio(FalsePositiveIntensity + FalseNegativeIntensity, r),
                FalsePositiveRate = Ratio(FalsePositive, r),
                FalseNegativeRate = Ratio(FalseNegative, r),
                RelativeMeanHuDifferencePercent = 100.0 * (predictedMeanHu - referenceMeanHu) / referenceMeanHu,
                RelativeVolumeDifferencePercent = 100.0 * Ratio(p - r, r),
                Auc = roc.Auc,
                AucErrorBound = roc.AucErrorBound,
                AucFromProbabilities = fromProbabilities,
                ReferenceVolumeMl = r * voxelVolumeMm3 / 1000.0,
                PredictedVolumeMl = p * voxelVolumeMm3 / 1000.0,
                ReferenceMeanHu = referenceMeanHu,
                PredictedMeanHu = predictedMeanHu,
                ReferenceVoxels = Reference,
                PredictedVoxels = Predicted,
                TruePositiveVoxels = TruePositive,
                FalsePositiveVoxels = FalsePositive,
                FalseNegativeVoxels = FalseNegative,
                RocVoxels = RocVoxels,
            };
        }

        private static double Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : double.NaN;
    }
}
