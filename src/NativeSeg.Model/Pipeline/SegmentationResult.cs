using NativeSeg.IO.Volumes;

namespace NativeSeg.Model.Pipeline;

/// <summary>
/// The mask and probability map of one CT, both on exactly the CT's grid, and the numbers users ask for. Probabilities
/// is null when <see cref="SegmentationOptions.KeepProbabilities"/> was off.
/// </summary>
public sealed record SegmentationResult(Volume<byte> Mask, Volume<float>? Probabilities, SegmentationSummary Summary);

/// <summary>Lung volumes in mL, mean HU inside the lungs, and how the run went.</summary>
public sealed record SegmentationSummary(
    int Slices,
    double TotalVolumeMl,
    double RightVolumeMl,
    double LeftVolumeMl,
    double MeanHu,
    double Seconds,
    string Device)
{
    /// <summary>Where <see cref="Seconds"/> went; zero when the summary was not produced by the pipeline.</summary>
    public SegmentationStageTimes Stages { get; init; } = new(0, 0, 0);

    /// <summary>Slices the network ran on: all of them, or fewer where the search stopped at the lungs' ends
    /// (<see cref="SegmentationOptions.StopAtLungEnds"/>).</summary>
    public int NetworkSlices { get; init; }
}

/// <summary>
/// Seconds spent in each stage of <see cref="LungSegmentationPipeline.Run"/>: input checks, body crop and resampling;
/// the network over all slices; map-back to the input grid, body mask and 3D post-processing.
/// </summary>
public sealed record SegmentationStageTimes(double Preprocessing, double Network, double Postprocessing);
