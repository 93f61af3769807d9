namespace NativeSeg.Evaluation.Metrics;

/// <summary>One metric as the report shows it: key for CSV, title for tables, how to read it from a case, decimals.</summary>
public sealed record MetricDefinition(string Key, string Title, string Unit, Func<CaseMetrics, double> Read, int Decimals,
    bool InTable1 = true);

/// <summary>The metrics of the paper's Table 1 in its order, followed by volumes and mean HU.</summary>
public static class MetricCatalog
{
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new("dice", "Dice", "", m => m.Dice, 3),
        new("jaccard", "Jaccard", "", m => m.Jaccard, 3),
        new("mean_error", "Mean error", "", m => m.MeanError, 3),
        new("mean_absolute_error", "Mean absolute error", "", m => m.MeanAbsoluteError, 3),
        new("false_positive_rate", "False-positive rate", "", m => m.FalsePositiveRate, 3),
        new("false_negative_rate", "False-negative rate", "", m => m.FalseNegativeRate, 3),
        new("relative_mean_hu_difference", "Relative mean HU difference", "%", m => m.RelativeMeanHuDifferencePercent, 3),
        new("absolute_relative_mean_hu_difference", "Absolute relative mean HU difference", "%", m => m.AbsoluteRelativeMeanHuDifferencePercent, 3),
        new("relative_volume_difference", "Relative volume difference", "%", m => m.RelativeVolumeDifferencePercent, 3),
        new("absolute_relative_volume_difference", "Absolute relative volume difference", "%", m => m.AbsoluteRelativeVolumeDifferencePercent, 3),
        new("auc", "AUC", "", m => m.Auc, 4),
        new("reference_volume_ml", "Reference lung volume", "mL", m => m.ReferenceVolumeMl, 0, InTable1: false),
        new("predicted_volume_ml", "Predicted lung volume", "mL", m => m.PredictedVolumeMl, 0, InTable1: false),
        new("reference_mean_hu", "Reference mean HU", "HU", m => m.ReferenceMeanHu, 1, InTable1: false),
        new("predicted_mean_hu", "Predicted mean HU", "HU", m => m.PredictedMeanHu, 1, InTable1: false),
    ];
}
