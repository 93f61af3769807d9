namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// The algorithm that made a segmentation (PS3.3 Algorithm Identification macro, 10-19): name and version of the
/// software, and the weights it ran with, identified by name, version and the SHA-256 of the weights file.
/// </summary>
public sealed record SegmentationAlgorithm(string Name, string Version, string WeightsName, string WeightsVersion, string WeightsSha256)
{
    /// <summary>AlgorithmParameters as written: <c>weights=NAME;weights_version=V;weights_sha256=HEX</c>.</summary>
    public string Parameters => $"weights={WeightsName};weights_version={WeightsVersion};weights_sha256={WeightsSha256}";
}
