using System.Reflection;
using System.Security.Cryptography;
using NativeSeg.IO;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.Model.Weights;

namespace NativeSeg.Cli.Segmentation;

/// <summary>
/// What made a result: NativeSeg's version and the weights (file name, the version recorded in them, and the SHA-256
/// of the whole file, as the model card lists it). Goes into statistics files and DICOM-SEG algorithm identification.
/// </summary>
public sealed record ToolIdentity(string ToolVersion, string WeightsName, string WeightsVersion, string WeightsSha256)
{
    public const string ToolName = "NativeSeg";

    public static string Version =>
        typeof(ToolIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static ToolIdentity Of(string weightsPath, WeightsMetadata metadata)
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
        return new ToolIdentity(Version, Path.GetFileName(weightsPath), metadata.Version, sha);
    }

    public SegmentationAlgorithm Algorithm => new(ToolName, ToolVersion, WeightsName, WeightsVersion, WeightsSha256);
}
