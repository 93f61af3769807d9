using NativeSeg.Evaluation.Roc;

namespace NativeSeg.Evaluation;

/// <summary>Which voxels enter the voxel-wise ROC.</summary>
public enum RocRegion
{
    /// <summary>Per slice, the bounding box of the body (largest component above −500 HU): the crop a tool segments.</summary>
    BodyBoundingBox,

    /// <summary>Every voxel of the volume (inflates the AUC with easy air and table voxels).</summary>
    WholeVolume,
}

/// <summary>Choices of the evaluation; the defaults are the readings documented in reference-model.md.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Bins per class of the ROC histogram (AUC precision: see <see cref="RocHistogram"/>).</summary>
    public int RocBins { get; init; } = RocHistogram.DefaultBinCount;

    public RocRegion RocRegion { get; init; } = RocRegion.BodyBoundingBox;

    /// <summary>HU threshold of the body used for <see cref="RocRegion.BodyBoundingBox"/>.</summary>
    public float BodyThresholdHu { get; init; } = BodyBoundingBox.DefaultThresholdHu;

    /// <summary>When a case has a probability map but no predicted mask, lung = probability ≥ this.</summary>
    public float ProbabilityThreshold { get; init; } = 0.5f;

    /// <summary>
    /// The normalised CT of the paper's mean error: I = clip((HU − <see cref="IntensityLowHu"/>)/<see cref="IntensityScaleHu"/>,
    /// 0, <see cref="IntensityMax"/>) = clip((HU + 1000)/1000, 0, 1.3), the network's input scaling.
    /// </summary>
    public double IntensityLowHu { get; init; } = -1000;
    public double IntensityScaleHu { get; init; } = 1000;
    public double IntensityMax { get; init; } = 1.3;

    /// <summary>Write the best, median and worst case overlays of each group (by Dice).</summary>
    public bool WriteOverlays { get; init; } = true;

    /// <summary>Evaluate this many cases at once in the manifest-driven report (each case parallelises over slices too).</summary>
    public int MaxParallelCases { get; init; } = 1;
}
