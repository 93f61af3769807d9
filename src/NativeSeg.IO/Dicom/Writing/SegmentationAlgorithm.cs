namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// The algorithm that made a segmentation (PS3.3 Algorithm Identification macro, 10-19): name and version of the
/// software, and the weights it ran with, identified by name, version and the SHA-256 of the weights file, and the
/// lung probability it cut at (the same weights give another mask at another threshold), and the aerated-lung guard's
/// share when the guard was on.
/// </summary>
public sealed record SegmentationAlgorithm(string Name, string Version, string WeightsName, string WeightsVersion, string WeightsSha256,
    float? Threshold = null, double MinAeratedShare = 0)
{
    /// <summary>
    /// AlgorithmParameters as written: <c>weights=NAME;weights_version=V;weights_sha256=HEX</c>, then <c>;threshold=T</c>
    /// when known, then <c>;min_aerated_share=S</c> when the guard was on.
    /// </summary>
    public string Parameters => $"weights={WeightsName};weights_version={WeightsVersion};weights_sha256={WeightsSha256}"
        + (Threshold is float t ? ";threshold=" + t.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "")
        + (MinAeratedShare > 0 ? ";min_aerated_share=" + MinAeratedShare.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "");
}
