using System.Text;
using NativeSeg.Evaluation.Metrics;
using NativeSeg.Evaluation.Roc;

namespace NativeSeg.Evaluation.Report;

/// <summary>Self-contained SVG charts (no scripts, no external fonts): ROC curves and box plots.</summary>
public static class SvgCharts
{
    private const int Left = 64, Top = 36, PlotSize = 360, Right = 24, Bottom = 56;

    /// <summary>
    /// ROC curves, one per series, false-positive rate on x in [0, <paramref name="xMax"/>], true-positive rate on y in
    /// [<paramref name="yMin"/>, 1] (a zoom on the top-left corner when xMax &lt; 1 or yMin &gt; 0; the curves are clipped
    /// to the plot). Points closer than 1/1000 of the axis to the previous drawn point are skipped.
    /// </summary>
    public static string Roc(IReadOnlyList<(string Label, string Colour, IReadOnlyList<RocPoint> Points, double Auc)> series, string title,
        double xMax = 1, double yMin = 0)
    {
        int width = Left + PlotSize + Right, height = Top + PlotSize + Bottom;
        double X(double fpr) => Left + PlotSize * fpr / xMax;
        double Y(double tpr) => Top + PlotSize * (1 - tpr) / (1 - yMin);
        var svg = Begin(width, height, title);
        // Clip ids must be unique in an HTML page holding several charts: derive it from the ranges.
        string clip = $"roc-clip-{(int)Math.Round(xMax * 1000)}-{(int)Math.Round(yMin * 1000)}";
        svg.AppendLine($"<defs><clipPath id=\"{clip}\"><rect x=\"{Left}\" y=\"{Top}\" width=\"{PlotSize}\" height=\"{PlotSize}\"/></clipPath></defs>");
        for (int i = 0; i <= 5; i++)
        {
            double fx = xMax * i / 5, fy = yMin + (1 - yMin) * i / 5;
            int decimals = xMax < 0.99 || yMin > 0.01 ? 2 : 1;
            svg.AppendLine($"<line x1=\"{Format.Svg(X(fx))}\" y1=\"{Top}\" x2=\"{Format.Svg(X(fx))}\" y2=\"{Top + PlotSize}\" stroke=\"#e4e4e4\"/>");
            svg.AppendLine($"<line x1=\"{Left}\" y1=\"{Format.Svg(Y(fy))}\" x2=\"{Left + PlotSize}\" y2=\"{Format.Svg(Y(fy))}\" stroke=\"#e4e4e4\"/>");
            svg.AppendLine($"<text x=\"{Format.Svg(X(fx))}\" y=\"{Top + PlotSize + 16}\" font-size=\"11\" text-anchor=\"middle\">{Format.Number(fx, decimals)}</text>");
            svg.AppendLine($"<text x=\"{Left - 6}\" y=\"{Format.Svg(Y(fy) + 4)}\" font-size=\"11\" text-anchor=\"end\">{Format.Number(fy, decimals)}</text>");
        }
        svg.AppendLine($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{PlotSize}\" height=\"{PlotSize}\" fill=\"none\" stroke=\"#333\"/>");
        svg.AppendLine($"<text x=\"{Left + PlotSize / 2}\" y=\"{Top + PlotSize + 40}\" font-size=\"12\" text-anchor=\"middle\">False-positive rate (1 − specificity)</text>");
        svg.AppendLine($"<text x=\"16\" y=\"{Top + PlotSize / 2}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Top + PlotSize / 2})\">True-positive rate (sensitivity)</text>");
        svg.AppendLine($"<line x1=\"{Format.Svg(X(0))}\" y1=\"{Format.Svg(Y(0))}\" x2=\"{Format.Svg(X(1))}\" y2=\"{Format.Svg(Y(1))}\" stroke=\"#999\" stroke-dasharray=\"4 4\" clip-path=\"url(#{clip})\"/>");
        double stepX = 1e-3 * xMax, stepY = 1e-3 * (1 - yMin);
        for (int s = 0; s < series.Count; s++)
        {
            var (label, colour, points, auc) = series[s];
            var path = new StringBuilder();
            double lastX = double.NaN, lastY = double.NaN;
            for (int i = 0; i < points.Count; i++)
            {
                var p = points[i];
                bool last = i == points.Count - 1;
                if (!last && Math.Abs(p.FalsePositiveRate - lastX) < stepX && Math.Abs(p.TruePositiveRate - lastY) < stepY)
                    continue;
                path.Append(path.Length == 0 ? 'M' : 'L').Append(Format.Svg(X(p.FalsePositiveRate))).Append(',').Append(Format.Svg(Y(p.TruePositiveRate))).Append(' ');
                lastX = p.FalsePositiveRate;
                lastY = p.TruePositiveRate;
            }
            svg.AppendLine($"<path d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" clip-path=\"url(#{clip})\"/>");
            double legendY = Top + PlotSize - 16 - 18 * (series.Count - 1 - s);
            double legendX = Left + 0.45 * PlotSize;
            svg.AppendLine($"<rect x=\"{Format.Svg(legendX - 4)}\" y=\"{Format.Svg(legendY - 13)}\" width=\"{Format.Svg(0.55 * PlotSize - 2)}\" height=\"18\" fill=\"white\" fill-opacity=\"0.85\"/>");
            svg.AppendLine($"<line x1=\"{Format.Svg(legendX)}\" y1=\"{Format.Svg(legendY - 4)}\" x2=\"{Format.Svg(legendX + 24)}\" y2=\"{Format.Svg(legendY - 4)}\" stroke=\"{colour}\" stroke-width=\"3\"/>");
            svg.AppendLine($"<text x=\"{Format.Svg(legendX + 30)}\" y=\"{Format.Svg(legendY)}\" font-size=\"12\">{Format.Html(label)}: AUC {Format.Number(auc, 4)}</text>");
        }
        return End(svg);
    }

    /// <summary>
    /// Box plot of one metric per group: box from Q1 to Q3 with the median, whiskers to the furthest values within
    /// 1.5·IQR of the box (Tukey), every case as a dot (spread sideways by a fixed pattern so equal values stay visible).
    /// </summary>
    public static string BoxPlot(MetricDefinition metric, IReadOnlyList<(string Group, string Colour, double[] Values)> groups)
    {
        const int boxHeight = 240;
        int width = Left + Math.Max(150, 110 * groups.Count) + Right, height = Top + boxHeight + Bottom - 16;
        double[] all = groups.SelectMany(g => g.Values).Where(double.IsFinite).ToArray();
        double min = all.Length > 0 ? all.Min() : 0, max = all.Length > 0 ? all.Max() : 1;
        if (max - min < 1e-12) { min -= 0.5; max += 0.5; }
        double pad = 0.06 * (max - min);
        (min, max) = (min - pad, max + pad);
        string unit = metric.Unit.Length > 0 ? $" ({metric.Unit})" : "";
        int plotWidth = width - Left - Right;
        var svg = Begin(width, height, metric.Title + unit, titleSize: 12);
        double YV(double v) => Top + boxHeight * (max - v) / (max - min);
        foreach (double tick in Ticks(min, max))
        {
            svg.AppendLine($"<line x1=\"{Left}\" y1=\"{Format.Svg(YV(tick))}\" x2=\"{Left + plotWidth}\" y2=\"{Format.Svg(YV(tick))}\" stroke=\"#e4e4e4\"/>");
            svg.AppendLine($"<text x=\"{Left - 6}\" y=\"{Format.Svg(YV(tick) + 4)}\" font-size=\"11\" text-anchor=\"end\">{Format.Html(TickLabel(tick, max - min))}</text>");
        }
        svg.AppendLine($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{boxHeight}\" fill=\"none\" stroke=\"#333\"/>");
        double slot = (double)plotWidth / Math.Max(1, groups.Count);
        for (int g = 0; g < groups.Count; g++)
        {
            var (name, colour, values) = groups[g];
            double centre = Left + slot * (g + 0.5), half = Math.Min(28, slot / 4);
            double[] v = values.Where(double.IsFinite).Order().ToArray();
            svg.AppendLine($"<text x=\"{Format.Svg(centre)}\" y=\"{Top + boxHeight + 18}\" font-size=\"12\" text-anchor=\"middle\">{Format.Html(name)} (n = {v.Length})</text>");
            if (v.Length == 0) continue;
            var d = Statistics.Descriptive.Of(v);
            double fence = 1.5 * d.InterquartileRange;
            double low = v.First(x => x >= d.Q1 - fence), high = v.Last(x => x <= d.Q3 + fence);
            svg.AppendLine($"<line x1=\"{Format.Svg(centre)}\" y1=\"{Format.Svg(YV(low))}\" x2=\"{Format.Svg(centre)}\" y2=\"{Format.Svg(YV(d.Q1))}\" stroke=\"#333\"/>");
            svg.AppendLine($"<line x1=\"{Format.Svg(centre)}\" y1=\"{Format.Svg(YV(d.Q3))}\" x2=\"{Format.Svg(centre)}\" y2=\"{Format.Svg(YV(high))}\" stroke=\"#333\"/>");
            foreach (double end in new[] { low, high })
                svg.AppendLine($"<line x1=\"{Format.Svg(centre - half / 2)}\" y1=\"{Format.Svg(YV(end))}\" x2=\"{Format.Svg(centre + half / 2)}\" y2=\"{Format.Svg(YV(end))}\" stroke=\"#333\"/>");
            svg.AppendLine($"<rect x=\"{Format.Svg(centre - half)}\" y=\"{Format.Svg(YV(d.Q3))}\" width=\"{Format.Svg(2 * half)}\" height=\"{Format.Svg(Math.Max(0.5, YV(d.Q1) - YV(d.Q3)))}\" fill=\"{colour}\" fill-opacity=\"0.25\" stroke=\"{colour}\" stroke-width=\"1.5\"/>");
            svg.AppendLine($"<line x1=\"{Format.Svg(centre - half)}\" y1=\"{Format.Svg(YV(d.Median))}\" x2=\"{Format.Svg(centre + half)}\" y2=\"{Format.Svg(YV(d.Median))}\" stroke=\"{colour}\" stroke-width=\"3\"/>");
            for (int i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i])) continue;
                double jitter = ((i + 0.5) * 0.6180339887 % 1.0 - 0.5) * 1.4 * half; // golden-ratio sequence: spread, no random numbers
                svg.AppendLine($"<circle cx=\"{Format.Svg(centre + jitter)}\" cy=\"{Format.Svg(YV(values[i]))}\" r=\"2.5\" fill=\"{colour}\" fill-opacity=\"0.7\"/>");
            }
        }
        return End(svg);
    }

    private static StringBuilder Begin(int width, int height, string title, int titleSize = 15)
    {
        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Helvetica, Arial, sans-serif\">");
        svg.AppendLine($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.AppendLine($"<text x=\"{width / 2}\" y=\"22\" font-size=\"{titleSize}\" font-weight=\"bold\" text-anchor=\"middle\">{Format.Html(title)}</text>");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.AppendLine("</svg>").ToString();

    /// <summary>About five round tick values (1, 2 or 5 × 10^k apart) inside [min, max].</summary>
    private static IEnumerable<double> Ticks(double min, double max)
    {
        double raw = (max - min) / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(f => f * magnitude).First(s => s >= raw);
        for (double t = Math.Ceiling(min / step) * step; t <= max + 1e-12 * step; t += step)
            yield return Math.Abs(t) < 1e-12 * step ? 0 : t;
    }

    private static string TickLabel(double value, double range)
    {
        int decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(range)), 0, 6);
        return Format.Number(value, decimals);
    }
}
