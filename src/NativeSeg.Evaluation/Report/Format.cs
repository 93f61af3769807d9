using System.Globalization;

namespace NativeSeg.Evaluation.Report;

/// <summary>Number formatting shared by the report writers (invariant culture; NaN shown as "n/a").</summary>
internal static class Format
{
    public static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Number(double value, int decimals) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + decimals, Invariant).Replace("-", "−");

    /// <summary>Round-trip precision for CSV files; empty for NaN.</summary>
    public static string Exact(double value) => double.IsNaN(value) ? "" : value.ToString("R", Invariant);

    public static string PValue(double p)
    {
        if (double.IsNaN(p)) return "n/a";
        string text = p < 0.001 ? "< 0.001" : p.ToString("F3", Invariant);
        return p < 0.05 ? text + " *" : text;
    }

    public static string Svg(double value) => value.ToString("0.##", Invariant);

    public static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>Colour of a group in every chart: blue for normal, red for COVID-19, then a fixed palette.</summary>
    public static string GroupColour(string group, int index) => group switch
    {
        IO.Datasets.DatasetManifest.GroupNormal => "#1f77b4",
        IO.Datasets.DatasetManifest.GroupCovid => "#d62728",
        _ => Palette[index % Palette.Length],
    };

    private static readonly string[] Palette = ["#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"];
}
