using System.Globalization;
using NativeSeg.Engine.Reference;
using NativeSeg.IO;
using NativeSeg.Model.Network;

namespace NativeSeg.Model.Weights;

/// <summary>A weights file with its decision threshold (<see cref="WeightsMetadata.DecisionThreshold"/>) set; tensors unchanged.</summary>
public static class WeightsThreshold
{
    public const string SourceKey = "decision_threshold_set_on";

    /// <summary>
    /// Writes <paramref name="outputPath"/> (atomically): <paramref name="weightsPath"/>'s tensors and metadata (without
    /// what belonged to one checkpoint) with <paramref name="threshold"/> as its decision threshold, and a
    /// <see cref="SourceKey"/> entry naming the source file.
    /// </summary>
    public static void Set(string weightsPath, float threshold, string outputPath)
    {
        if (WeightsMetadata.ThresholdProblem(threshold) is string problem)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"the threshold {problem}.");
        var file = WeightsFile.Load(weightsPath);
        // The reference backend only holds the tensors on the host for saving; nothing runs on it.
        using var backend = new ReferenceBackend();
        using var network = new HighResNet2D(backend, file.Configuration);
        network.ImportTensors(file.NetworkTensors);
        var metadata = file.DerivedMetadata(SourceKey, string.Create(CultureInfo.InvariantCulture, $"{file.Identity}, threshold {threshold:R}"))
            with { DecisionThreshold = threshold };
        WeightsFile.Save(outputPath, network, metadata);
    }
}
