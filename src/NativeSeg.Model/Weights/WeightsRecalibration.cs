using System.Globalization;
using NativeSeg.Engine;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Weights;

/// <summary>A weights file with its batch norms' statistics measured again over a training set (<see cref="BatchNormRecalibration"/>).</summary>
public static class WeightsRecalibration
{
    public const string RecalibrationKey = "batchnorm_recalibrated";

    /// <summary>
    /// Loads <paramref name="weightsPath"/> (weights or checkpoint), recalibrates it over <paramref name="data"/> and
    /// writes <paramref name="outputPath"/> (atomically): the same weights, new running statistics, the source's
    /// metadata without what belonged to one checkpoint, and a <see cref="RecalibrationKey"/> entry saying what was used.
    /// </summary>
    public static BatchNormRecalibrationSummary Recalibrate(string weightsPath, TrainingSet data, string dataDescription,
        IBackend backend, int batchSize, ulong seed, (int Height, int Width)? window, string outputPath, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        var (network, file) = WeightsFile.LoadNetwork(weightsPath, backend);
        using (network)
        {
            var summary = BatchNormRecalibration.Run(network, data, batchSize, seed, window, progress, cancellation);
            string over = window is (int h, int w) ? $"{h}×{w} windows (training augmentation)" : "whole slices";
            WeightsFile.Save(outputPath, network, file.DerivedMetadata(RecalibrationKey, string.Create(CultureInfo.InvariantCulture,
                $"running statistics of {file.Identity} measured again over {summary.Slices} {over} of {dataDescription}, batch {batchSize}, seed {seed}")));
            return summary;
        }
    }
}
