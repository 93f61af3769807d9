using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Training;

/// <summary>What <see cref="BatchNormRecalibration.Run"/> measured.</summary>
/// <param name="Slices">Slices the statistics were taken over.</param>
/// <param name="Batches">Training-mode forward passes.</param>
/// <param name="LargestMeanShift">Over every channel of every batch norm: |new − old running mean| / √(old running variance + ε).</param>
public sealed record BatchNormRecalibrationSummary(int Slices, int Batches, double LargestMeanShift);

/// <summary>
/// Precise batch-norm statistics: replaces every batch norm's running mean and variance by the statistics of its input
/// over a whole data set, the weights left as they are. Training keeps running statistics as an exponential average
/// (momentum 0.1), so they describe roughly the last 10–20 batches of the run; with 128 × 128 windows of a data set of
/// normal and diseased lungs, those batches can be unrepresentative, and the inference boundary moves with them
/// (Case_009 normal Dice 0.952–0.977 from one epoch to the next of one run; recalibrating the shipped file moved it
/// 0.976 → 0.973 over windows, model card). Here each batch runs the
/// training-mode forward (every batch norm normalises with its own batch's statistics, as in training), and the batch
/// means and variances are pooled over all batches in float64: mean = E[μ_b], variance = E[σ²_b + μ_b²] − mean², the
/// exact population variance of the pooled pixels since every batch has the same number of them. Whole slices are
/// what inference normalises, but a network trained on windows has its weights fitted to the statistics of windows
/// (more of the slice's middle, less of its edge), so windows are the choice for it (<c>recalibrate-bn --window</c>).
/// Slices are shuffled into batches by a seeded stream, so that a batch mixes patients as a training batch does. After
/// <c>average-weights</c> the statistics are the files' averaged statistics, which no forward pass of the averaged weights
/// has measured; this measures them (for the shipped average it changed Case_009's Dice by at most 0.0015: model card).
/// </summary>
public static class BatchNormRecalibration
{
    /// <param name="window">
    /// Null: whole slices, as inference sees them, unaugmented. A window: what a training batch with that window shows
    /// the network (the trainer's sampler: default augmentation, a window at a random position in each slice), the
    /// distribution the running statistics of a run trained on windows come from.
    /// </param>
    public static BatchNormRecalibrationSummary Run(HighResNet2D network, TrainingSet data, int batchSize, ulong seed,
        (int Height, int Width)? window = null, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 2, nameof(batchSize));
        if (network.TrainingStatistics != BatchNormStatistics.Batch)
            throw new InvalidOperationException("recalibration measures batch statistics: the network must train with BatchNormStatistics.Batch.");
        // Whole batches only: a smaller last batch would need a workspace of its own; at most batchSize − 1 slices are left out.
        int batches = data.Slices.Count / batchSize;
        if (batches == 0)
            throw new ArgumentException($"{data.Slices.Count} slices do not fill one batch of {batchSize}.", nameof(data));

        var order = Enumerable.Range(0, data.Slices.Count).ToList();
        var random = new SeededRandom(seed);
        random.Shuffle(order);
        var backend = network.Backend;
        // The trainer's sampler either way: without a window and augmentation it copies whole slices and draws nothing.
        var sampler = new TrainingBatchSampler(backend, data, window is null ? SliceAugmentation.None : SliceAugmentation.Default,
            ScannerVariation.None, window, batchSize);
        var workspace = network.GetWorkspace(batchSize, sampler.WindowHeight, sampler.WindowWidth);

        // Each training-mode forward also moves the running statistics (momentum); the old ones are kept first for the report.
        var layers = network.LastBatchStatistics(workspace).Select(s => new Accumulator(backend, s.BatchNorm)).ToList();
        for (int b = 0; b < batches; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            sampler.Fill(order, b, random, workspace);
            network.ForwardTraining(workspace);
            int layer = 0;
            foreach (var (_, mean, inverseStd) in network.LastBatchStatistics(workspace))
                layers[layer++].Add(backend, mean, inverseStd);
            progress?.Invoke(b + 1, batches);
        }

        double largestShift = 0;
        foreach (var accumulator in layers)
            largestShift = Math.Max(largestShift, accumulator.Commit(backend, batches));
        return new BatchNormRecalibrationSummary(batches * batchSize, batches, largestShift);
    }

    /// <summary>One batch norm's float64 sums of the batch means μ_b and second moments σ²_b + μ_b².</summary>
    private sealed class Accumulator
    {
        private readonly BatchNormParameters _batchNorm;
        private readonly float[] _oldMean;
        private readonly float[] _oldVariance;
        private readonly double[] _mean;
        private readonly double[] _second;
        private readonly float[] _batchMean;
        private readonly float[] _batchInverseStd;

        public Accumulator(IBackend backend, BatchNormParameters batchNorm)
        {
            _batchNorm = batchNorm;
            int channels = batchNorm.Channels;
            (_mean, _second) = (new double[channels], new double[channels]);
            (_batchMean, _batchInverseStd) = (new float[channels], new float[channels]);
            (_oldMean, _oldVariance) = (new float[channels], new float[channels]);
            backend.Download(batchNorm.RunningMean.Value, _oldMean);
            backend.Download(batchNorm.RunningVariance.Value, _oldVariance);
        }

        public void Add(IBackend backend, Tensor mean, Tensor inverseStd)
        {
            backend.Download(mean, _batchMean);
            backend.Download(inverseStd, _batchInverseStd);
            double epsilon = HighResNetConfiguration.BatchNormEpsilon;
            for (int c = 0; c < _mean.Length; c++)
            {
                // The kernels keep 1/√(σ² + ε), not σ²; from a float32 1/√ this gives σ² to about 1e-7 relative for
                // every variance above ε (the shipped file's running variances span 0.006 … 3·10⁴).
                double inverse = _batchInverseStd[c];
                double variance = Math.Max(0, 1.0 / (inverse * inverse) - epsilon);
                _mean[c] += _batchMean[c];
                _second[c] += variance + (double)_batchMean[c] * _batchMean[c];
            }
        }

        /// <summary>Writes the pooled statistics as the running ones; returns the largest mean shift in old standard deviations.</summary>
        public double Commit(IBackend backend, int batches)
        {
            int channels = _mean.Length;
            var newMean = new float[channels];
            var newVariance = new float[channels];
            double largest = 0;
            for (int c = 0; c < channels; c++)
            {
                double mean = _mean[c] / batches;
                newMean[c] = (float)mean;
                newVariance[c] = (float)Math.Max(0, _second[c] / batches - mean * mean);
                largest = Math.Max(largest, Math.Abs(mean - _oldMean[c]) / Math.Sqrt(_oldVariance[c] + HighResNetConfiguration.BatchNormEpsilon));
            }
            backend.Upload(newMean, _batchNorm.RunningMean.Value);
            backend.Upload(newVariance, _batchNorm.RunningVariance.Value);
            return largest;
        }
    }
}
