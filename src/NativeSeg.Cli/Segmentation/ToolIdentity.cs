using System.Reflection;
using System.Security.Cryptography;
using NativeSeg.IO;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.Model.Pipeline;
using NativeSeg.Model.Weights;

namespace NativeSeg.Cli.Segmentation;

/// <summary>
/// What made a result: NativeSeg's version and the weights (file name, the version recorded in them, and the SHA-256
/// of the whole file, as the model card lists it), and the lung probability threshold the masks were cut at. Goes into
/// statistics files and DICOM-SEG algorithm identification.
/// </summary>
public sealed record ToolIdentity(string ToolVersion, string WeightsName, string WeightsVersion, string WeightsSha256, float Threshold,
    double MinAeratedShare = SegmentationOptions.DefaultMinAeratedShare)
{
    public const string ToolName = "NativeSeg";

    public static string Version =>
        typeof(ToolIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>
    /// The identity of a run with these weights, cutting at <paramref name="threshold"/> (null: the weights' own threshold),
    /// with the aerated-lung guard at <paramref name="minAeratedShare"/>.
    /// </summary>
    public static ToolIdentity Of(string weightsPath, WeightsMetadata metadata, float? threshold = null,
        double minAeratedShare = SegmentationOptions.DefaultMinAeratedShare)
    {
        string sha;
        try
        {
            using var stream = File.OpenRead(weightsPath);
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(weightsPath, $"cannot read the weights: {e.Message}", e);
        }
        return new ToolIdentity(Version, Path.GetFileName(weightsPath), metadata.Version, sha, metadata.ThresholdOr(threshold),
            minAeratedShare);
    }

    public SegmentationAlgorithm Algorithm => new(ToolName, ToolVersion, WeightsName, WeightsVersion, WeightsSha256, Threshold, MinAeratedShare);
}
