using NativeSeg.Evaluation.Metrics;
using NativeSeg.Evaluation.Roc;
using NativeSeg.IO.Png;

namespace NativeSeg.Evaluation.Report;

/// <summary>Turns an <see cref="EvaluationSummary"/> into report blocks: Table 1, ROC, normality, box plots, overlays, cases, methods.</summary>
public static class ReportBuilder
{
    public const string RocFile = "roc.svg";
    public const string RocZoomFile = "roc_zoom.svg";

    public static IReadOnlyList<ReportBlock> Build(EvaluationSummary summary, EvaluationOptions options)
    {
        var blocks = new List<ReportBlock>();
        var groups = summary.Groups;
        int caseCount = groups.Sum(g => g.Cases.Count);
        blocks.Add(new Heading(1, "NativeSeg evaluation"));
        blocks.Add(new Paragraph($"{caseCount} case(s) in {groups.Count} group(s): "
            + string.Join(", ", groups.Select(g => $"{g.Name} (n = {g.Cases.Count})"))
            + (summary.Skipped.Count > 0 ? $"; {summary.Skipped.Count} case(s) skipped (listed at the end)." : ".")));

        blocks.Add(new Heading(2, "Table 1. Segmentation metrics per group"));
        blocks.Add(MetricTable(summary, MetricCatalog.All.Where(m => m.InTable1)));
        blocks.Add(new Paragraph(groups.Count == 2
            ? $"Cells: mean ± SD, then median [Q1, Q3] (IQR), then min – max. P: two-sided Mann–Whitney U test of {groups[0].Name} against {groups[1].Name} "
              + "(exact null distribution when there are no ties and a group has at most 8 cases, otherwise the normal approximation with tie and continuity correction); * P < 0.05."
            : "Cells: mean ± SD, then median [Q1, Q3] (IQR), then min – max. Group comparisons need exactly two groups."));

        blocks.Add(new Heading(2, "Lung volume and mean density"));
        blocks.Add(MetricTable(summary, MetricCatalog.All.Where(m => !m.InTable1)));

        blocks.Add(new Heading(2, "ROC curves"));
        var series = groups.Select((g, i) => (g.Name, Format.GroupColour(g.Name, i), g.PooledRoc.Curve(), g.PooledAuc)).ToList();
        blocks.Add(new FigureRow([
            new Figure(RocFile, "Voxel-wise ROC of the lung probability, all voxels of each group pooled.", SvgCharts.Roc(series, "Pooled ROC per group")),
            new Figure(RocZoomFile, "The same curves, top-left corner: false-positive rate ≤ 0.1, true-positive rate ≥ 0.9.",
                SvgCharts.Roc(series, "Pooled ROC, top-left corner", xMax: 0.1, yMin: 0.9)),
        ]));
        blocks.Add(new Table(["Group", "Pooled AUC", "Per-case AUC, mean ± SD", "Voxels in ROC", "Cases scored from a binary mask"],
            groups.Select(g => (IReadOnlyList<string>)[
                g.Name, Format.Number(g.PooledAuc, 4),
                $"{Format.Number(g.Metrics["auc"].Descriptive.Mean, 4)} ± {Format.Number(g.Metrics["auc"].Descriptive.StandardDeviation, 4)}",
                (g.PooledRoc.PositiveTotal + g.PooledRoc.NegativeTotal).ToString("N0", Format.Invariant),
                g.Cases.Count(c => !c.Metrics.AucFromProbabilities).ToString(Format.Invariant)]).ToList()));
        double worstBound = summary.Cases.Select(c => c.Metrics.AucErrorBound).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        blocks.Add(new Paragraph($"Scores are counted in {options.RocBins:N0} bins per class over [0, 1]; pairs in one bin count as ties. "
            + (worstBound == 0
                ? "No bin held two distinct scores in any case, so every AUC is exact. "
                : $"Largest possible AUC error from the binning over all cases: {worstBound.ToString("0.#E+0", Format.Invariant)} (0 when no bin holds two distinct scores, e.g. 8-bit maps). ")
            + (options.RocRegion == RocRegion.BodyBoundingBox
                ? $"Voxels scored: per axial slice, the bounding box of the body (largest 8-connected region above {options.BodyThresholdHu:0} HU), the crop the network segments."
                : "Voxels scored: the whole volume.")));

        blocks.Add(new Heading(2, "Normality of each metric"));
        blocks.Add(NormalityTable(summary));
        blocks.Add(new Paragraph("Shapiro–Wilk: Royston's algorithm (as SciPy's shapiro). Kolmogorov–Smirnov with estimated mean and SD (Lilliefors): "
            + "P by Dallal–Wilkinson's approximation where it is below 0.1 (as statsmodels), otherwise by a seeded Monte Carlo of "
            + $"{Statistics.Lilliefors.MonteCarloReplicates:N0} normal samples. * P < 0.05: normality rejected. n/a: fewer than 3 (Shapiro–Wilk) or 4 (Lilliefors) values, or all equal."));

        blocks.Add(new Heading(2, "Distributions"));
        var boxes = MetricCatalog.All.Select(metric => new Figure($"box_{metric.Key}.svg", metric.Title,
            SvgCharts.BoxPlot(metric, groups.Select((g, i) => (g.Name, Format.GroupColour(g.Name, i),
                g.Cases.Select(c => metric.Read(c.Metrics)).ToArray())).ToList())) { CaptionVisible = false }).ToList();
        blocks.Add(new Paragraph("Box: quartiles and median; whiskers: the furthest cases within 1.5 IQR of the box; dots: every case."));
        blocks.Add(new FigureRow(boxes));

        if (options.WriteOverlays && summary.Cases.Any(c => c.Overlay is not null))
        {
            blocks.Add(new Heading(2, "Best, median and worst cases"));
            blocks.Add(new Paragraph("Axial slice with the largest reference lung area, radiological orientation (patient's right on the left), lung window "
                + $"(level {OverlayRenderer.WindowLevelHu:0} HU, width {OverlayRenderer.WindowWidthHu:0} HU). Green: reference contour; red: predicted contour; yellow: both. Cases ranked by Dice."));
            foreach (var group in groups)
            {
                var figures = RankedCases(group).Select(pick =>
                {
                    var (w, h, rgb) = OverlayRenderer.Render(pick.Case.Overlay!);
                    return new Figure($"overlay_{Safe(group.Name)}_{pick.Rank}.png",
                        $"{group.Name}, {pick.Rank} Dice: {pick.Case.Id} (Dice {Format.Number(pick.Case.Metrics.Dice, 3)}, slice {pick.Case.Overlay!.SliceIndex})",
                        Png: PngWriter.EncodeRgb(w, h, rgb));
                }).ToList();
                if (figures.Count > 0)
                    blocks.Add(new FigureRow(figures));
            }
        }

        blocks.Add(new Heading(2, "Cases"));
        var shown = MetricCatalog.All.Where(m => m.InTable1 || m.Key.EndsWith("volume_ml", StringComparison.Ordinal)).ToList();
        blocks.Add(new Table(["Case", "Group", .. shown.Select(m => m.Title)],
            summary.Cases.Select(c => (IReadOnlyList<string>)[c.Id, c.Group, .. shown.Select(m => Format.Number(m.Read(c.Metrics), m.Decimals))]).ToList()));

        blocks.Add(new Heading(2, "Definitions"));
        blocks.Add(new BulletList(Definitions(options)));
        if (summary.Skipped.Count > 0)
        {
            blocks.Add(new Heading(2, "Skipped cases"));
            blocks.Add(new Table(["Case", "Reason"], summary.Skipped.Select(s => (IReadOnlyList<string>)[s.Id, s.Reason]).ToList()));
        }
        return blocks;
    }

    /// <summary>Best, median and worst case of a group by Dice (fewer when the group has fewer cases).</summary>
    public static IEnumerable<(string Rank, CaseResult Case)> RankedCases(GroupSummary group)
    {
        var ranked = group.Cases.Where(c => c.Overlay is not null && double.IsFinite(c.Metrics.Dice))
            .OrderByDescending(c => c.Metrics.Dice).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        if (ranked.Count == 0) yield break;
        yield return ("best", ranked[0]);
        if (ranked.Count >= 3) yield return ("median", ranked[(ranked.Count - 1) / 2]);
        if (ranked.Count >= 2) yield return ("worst", ranked[^1]);
    }

    private static Table MetricTable(EvaluationSummary summary, IEnumerable<MetricDefinition> metrics)
    {
        var headers = new List<string> { "Metric" };
        headers.AddRange(summary.Groups.Select(g => $"{g.Name} (n = {g.Cases.Count})"));
        bool comparing = summary.Groups.Count == 2;
        if (comparing) headers.Add("P");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var metric in metrics)
        {
            var row = new List<string> { metric.Unit.Length > 0 ? $"{metric.Title} ({metric.Unit})" : metric.Title };
            foreach (var group in summary.Groups)
            {
                var d = group.Metrics[metric.Key].Descriptive;
                int k = metric.Decimals;
                row.Add($"{Format.Number(d.Mean, k)} ± {Format.Number(d.StandardDeviation, k)}\n"
                    + $"{Format.Number(d.Median, k)} [{Format.Number(d.Q1, k)}, {Format.Number(d.Q3, k)}] ({Format.Number(d.InterquartileRange, k)})\n"
                    + $"{Format.Number(d.Min, k)} – {Format.Number(d.Max, k)}" + (d.Missing > 0 ? $"\n{d.Missing} undefined" : ""));
            }
            if (comparing)
                row.Add(summary.Comparisons.TryGetValue(metric.Key, out var test) ? Format.PValue(test.PValue) : "n/a");
            rows.Add(row);
        }
        return new Table(headers, rows);
    }

    private static Table NormalityTable(EvaluationSummary summary)
    {
        var headers = new List<string> { "Metric" };
        foreach (var g in summary.Groups)
        {
            headers.Add($"{g.Name}: Shapiro–Wilk W (P)");
            headers.Add($"{g.Name}: Lilliefors D (P)");
        }
        var rows = MetricCatalog.All.Select(metric =>
        {
            var row = new List<string> { metric.Title };
            foreach (var g in summary.Groups)
            {
                var s = g.Metrics[metric.Key];
                row.Add(TestCell(s.ShapiroWilk));
                row.Add(TestCell(s.Lilliefors));
            }
            return (IReadOnlyList<string>)row;
        }).ToList();
        return new Table(headers, rows);
    }

    private static string TestCell(Statistics.TestResult test) =>
        double.IsNaN(test.Statistic) ? "n/a" : $"{Format.Number(test.Statistic, 3)} ({Format.PValue(test.PValue)})";

    private static IReadOnlyList<string> Definitions(EvaluationOptions options) =>
    [
        "P = predicted lung, R = reference lung (any non-zero label), |·| = number of voxels. A case with a probability map but no predicted mask uses "
            + $"P = probability ≥ {options.ProbabilityThreshold:0.###}.",
        "Dice = 2|P∩R| / (|P| + |R|); Jaccard = |P∩R| / |P∪R|.",
        $"Mean error = Σ(I·P − I·R) / |R| and mean absolute error = Σ|I·P − I·R| / |R| on the normalised CT I = clip((HU − ({options.IntensityLowHu:0})) / {options.IntensityScaleHu:0}, 0, {options.IntensityMax:0.###}) (paper Eq. 3–4, our reading).",
        "False-positive rate = |P \\ R| / |R|; false-negative rate = |R \\ P| / |R| (relative to the reference volume: the paper's values up to 0.28 rule out FP / (FP + TN)).",
        "Relative mean HU difference = (mean HU over P − mean HU over R) / mean HU over R × 100 %; lung HU is negative, so leaking into denser tissue gives a negative value. Absolute: its absolute value.",
        "Relative volume difference = (|P| − |R|) / |R| × 100 %; absolute: its absolute value. Volumes in mL use the voxel size from the affine.",
        "AUC: voxel-wise, the probability of lung against the reference, threshold swept; ties count ½ (as scikit-learn's roc_auc_score). Without a probability map the binary prediction is the score.",
        "Statistics per metric and group: min, max, mean ± sample SD (n − 1), median, quartiles by linear interpolation (NumPy's default), IQR = Q3 − Q1. Undefined values (empty masks) are left out and counted.",
    ];

    internal static string Safe(string name) => string.Concat(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_'));
}
