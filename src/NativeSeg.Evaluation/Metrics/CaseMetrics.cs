namespace NativeSeg.Evaluation.Metrics;

/// <summary>
/// The paper's per-case metrics (Table 1), P = predicted lung, R = reference lung (any non-zero label), |·| voxel counts.
/// Metrics whose denominator is zero are NaN. Rates and differences are fractions except where named "percent".
/// </summary>
public sealed record CaseMetrics
{
    /// <summary>2|P∩R| / (|P| + |R|).</summary>
    public double Dice { get; init; }

    /// <summary>|P∩R| / |P∪R|.</summary>
    public double Jaccard { get; init; }

    /// <summary>Σ(I·P − I·R)/|R| on the normalised CT I (paper Eq. 3).</summary>
    public double MeanError { get; init; }

    /// <summary>Σ|I·P − I·R|/|R| (paper Eq. 4).</summary>
    public double MeanAbsoluteError { get; init; }

    /// <summary>|P \ R| / |R| (not FP/(FP+TN): the paper's values up to 0.28 rule that out).</summary>
    public double FalsePositiveRate { get; init; }

    /// <summary>|R \ P| / |R|.</summary>
    public double FalseNegativeRate { get; init; }

    /// <summary>(mean HU over P − mean HU over R) / mean HU over R × 100.</summary>
    public double RelativeMeanHuDifferencePercent { get; init; }

    public double AbsoluteRelativeMeanHuDifferencePercent => Math.Abs(RelativeMeanHuDifferencePercent);

    /// <summary>(|P| − |R|)/|R| × 100.</summary>
    public double RelativeVolumeDifferencePercent { get; init; }

    public double AbsoluteRelativeVolumeDifferencePercent => Math.Abs(RelativeVolumeDifferencePercent);

    /// <summary>Voxel-wise AUC of the probability map (or of the binary prediction when no map is given) in the ROC region.</summary>
    public double Auc { get; init; }

    /// <summary>Largest possible error of <see cref="Auc"/> from binning the scores.</summary>
    public double AucErrorBound { get; init; }

    /// <summary>True when <see cref="Auc"/> comes from a probability map, false when from the binary prediction.</summary>
    public bool AucFromProbabilities { get; init; }

    public double ReferenceVolumeMl { get; init; }
    public double PredictedVolumeMl { get; init; }
    public double ReferenceMeanHu { get; init; }
    public double PredictedMeanHu { get; init; }

    public long ReferenceVoxels { get; init; }
    public long PredictedVoxels { get; init; }
    public long TruePositiveVoxels { get; init; }
    public long FalsePositiveVoxels { get; init; }
    public long FalseNegativeVoxels { get; init; }

    /// <summary>Voxels that entered the ROC.</summary>
    public long RocVoxels { get; init; }
}
