using NativeSeg.Engine.Reference;
using NativeSeg.IO;
using NativeSeg.Model.Network;

namespace NativeSeg.Model.Weights;

/// <summary>
/// The element-wise mean of several weights files of one network (epochs of one run, or runs from one starting point):
/// a checkpoint average that removes most of the epoch-to-epoch wobble of one run's weights. Every tensor is averaged
/// in float64, the batch norms' running means and variances too, which is exact for the means and, for the variances,
/// ignores the spread of the means between files (small between neighbouring epochs of one run). Files from unrelated
/// runs average to nonsense: the networks' channels need not line up.
/// </summary>
public static class WeightsAveraging
{
    public const string SourcesKey = "averaged_from";

    /// <summary>Writes the mean of <paramref name="paths"/> to <paramref name="outputPath"/> (atomically), with the first file's metadata.</summary>
    public static void Average(IReadOnlyList<string> paths, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count < 2) throw new ArgumentException("Averaging needs at least two weights files.", nameof(paths));
        var files = paths.Select(WeightsFile.Load).ToList();
        var first = files[0];
        foreach (var other in files.Skip(1))
            if (other.Configuration != first.Configuration || !other.Metadata.ClassNames.SequenceEqual(first.Metadata.ClassNames))
                throw new InvalidInputException(other.Path, $"a network of {other.Configuration.InputChannels} channel(s) and classes " +
                    $"{string.Join("/", other.Metadata.ClassNames)}; {first.Path} has {first.Configuration.InputChannels} and {string.Join("/", first.Metadata.ClassNames)}.");
            else if (other.Metadata.SliceContext != first.Metadata.SliceContext)
                throw new InvalidInputException(other.Path, $"its input is {other.Metadata.SliceContext}; {first.Path}'s is {first.Metadata.SliceContext}.");

        var mean = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, values) in first.NetworkTensors)
        {
            var sum = new double[values.Length];
            foreach (var file in files)
            {
                var tensor = file.NetworkTensors[name];
                for (int i = 0; i < sum.Length; i++) sum[i] += tensor[i];
            }
            mean[name] = sum.Select(v => (float)(v / files.Count)).ToArray();
        }

        // The reference backend only holds the tensors on the host for saving; nothing runs on it.
        using var backend = new ReferenceBackend();
        using var network = new HighResNet2D(backend, first.Configuration);
        network.ImportTensors(mean);
        // The first file's training description stays; what belongs to one epoch or to a checkpoint does not.
        WeightsFile.Save(outputPath, network, first.DerivedMetadata(SourcesKey, string.Join("; ", files.Select(f => f.Identity))));
    }
}
