using NativeSeg.Evaluation.Metrics;
using NativeSeg.Evaluation.Roc;
using NativeSeg.Evaluation.Statistics;

namespace NativeSeg.Evaluation.Report;

/// <summary>One evaluated case. <see cref="Overlay"/> is the slice kept for figures (null when overlays are off).</summary>
public sealed record CaseResult(string Id, string Group, CaseMetrics Metrics, OverlaySlice? Overlay = null);

/// <summary>A manifest case that was not evaluated, and why.</summary>
public sealed record SkippedCase(string Id, string Reason);

/// <summary>Statistics of one metric in one group; a test that does not apply (too few values, all equal) is NaN.</summary>
public sealed record MetricStatistics(Descriptive Descriptive, TestResult ShapiroWilk, TestResult Lilliefors);

/// <summary>A group's cases, per-metric statistics (keyed by <see cref="MetricDefinition.Key"/>) and pooled ROC.</summary>
public sealed record GroupSummary(string Name, IReadOnlyList<CaseResult> Cases,
    IReadOnlyDictionary<string, MetricStatistics> Metrics, RocHistogram PooledRoc)
{
    /// <summary>AUC of all the group's voxels together.</summary>
    public double PooledAuc => PooledRoc.Auc;
}

/// <summary>
/// Everything the report shows. <see cref="Comparisons"/> holds the two-sided Mann–Whitney U test of the first group
/// against the second (groups ordered normal, covid, then alphabetically) per metric key; empty unless there are
/// exactly two groups.
/// </summary>
public sealed record EvaluationSummary(IReadOnlyList<GroupSummary> Groups,
    IReadOnlyDictionary<string, MannWhitneyResult> Comparisons, IReadOnlyList<SkippedCase> Skipped,
    string OutputFolder, IReadOnlyList<string> Files)
{
    public IEnumerable<CaseResult> Cases => Groups.SelectMany(g => g.Cases);

    /// <summary>Builds groups, statistics and comparisons from evaluated cases and their ROC histograms.</summary>
    public static EvaluationSummary Build(IReadOnlyList<(CaseResult Case, RocHistogram Roc)> evaluated,
        IReadOnlyList<SkippedCase> skipped, string outputFolder, int rocBins)
    {
        var groups = new List<GroupSummary>();
        foreach (var byGroup in evaluated.GroupBy(e => e.Case.Group).OrderBy(g => GroupOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var cases = byGroup.Select(e => e.Case).ToList();
            var pooled = new RocHistogram(rocBins);
            foreach (var e in byGroup) pooled.Add(e.Roc);
            var metrics = new Dictionary<string, MetricStatistics>();
            foreach (var metric in MetricCatalog.All)
            {
                double[] values = cases.Select(c => metric.Read(c.Metrics)).ToArray();
                double[] finite = values.Where(double.IsFinite).ToArray();
                metrics[metric.Key] = new MetricStatistics(Descriptive.Of(values),
                    TryTest(() => ShapiroWilk.Test(finite)), TryTest(() => Lilliefors.Test(finite)));
            }
            groups.Add(new GroupSummary(byGroup.Key, cases, metrics, pooled));
        }

        var comparisons = new Dictionary<string, MannWhitneyResult>();
        if (groups.Count == 2)
        {
            foreach (var metric in MetricCatalog.All)
            {
                double[] a = groups[0].Cases.Select(c => metric.Read(c.Metrics)).Where(double.IsFinite).ToArray();
                double[] b = groups[1].Cases.Select(c => metric.Read(c.Metrics)).Where(double.IsFinite).ToArray();
                if (a.Length > 0 && b.Length > 0)
                    comparisons[metric.Key] = MannWhitneyU.Test(a, b);
            }
        }
        return new EvaluationSummary(groups, comparisons, skipped, outputFolder, []);
    }

    private static int GroupOrder(string group) => group switch
    {
        IO.Datasets.DatasetManifest.GroupNormal => 0,
        IO.Datasets.DatasetManifest.GroupCovid => 1,
        _ => 2,
    };

    private static TestResult TryTest(Func<TestResult> test)
    {
        try { return test(); }
        catch (ArgumentException) { return TestResult.NotApplicable; } // too few values or no spread: reported as "n/a"
    }
}
