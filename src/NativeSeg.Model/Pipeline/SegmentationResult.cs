using NativeSeg.IO.Volumes;

namespace NativeSeg.Model.Pipeline;

/// <summary>The mask and probability map of one CT, both on exactly the CT's grid, and the numbers users ask for.</summary>
public sealed record SegmentationResult(Volume<byte> Mask, Volume<float> Probabilities, SegmentationSummary Summary);

/// <summary>Lung volumes in mL, mean HU inside the lungs, and how the run went.</summary>
public sealed record SegmentationSummary(
    int Slices,
    double TotalVolumeMl,
    double RightVolumeMl,
    double LeftVolumeMl,
    double MeanHu,
    double Seconds,
    string Device);
