using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NativeSeg.Imaging.Statistics;
using NativeSeg.IO;

namespace NativeSeg.Cli.Segmentation;

/// <summary>One label's numbers as written to JSON and CSV (null where the label is empty).</summary>
public sealed record LabelReport(
    string Label,
    long Voxels,
    double VolumeMl,
    double? MeanHu,
    double? MedianHu,
    double? FractionBelowMinus950Hu,
    double? FractionMinus700ToMinus100Hu,
    int? FirstSlice,
    int? LastSlice)
{
    public static LabelReport From(LabelStatistics s) => new(s.Label, s.Voxels, s.VolumeMl, Finite(s.MeanHu), Finite(s.MedianHu),
        Finite(s.FractionBelowMinus950Hu), Finite(s.FractionMinus700ToMinus100Hu), s.FirstSlice, s.LastSlice);

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}

/// <summary>
/// The statistics of one segmented CT (<c>--statistics FILE.json</c>, and one per series in a batch): which input,
/// which tool and weights, and per label (lung, right, left) the numbers of <see cref="LungStatistics"/>. Slices are
/// 0-based z indices of the input's grid (NIfTI: k; DICOM: the planes sorted along the slice normal, feet to head
/// for a supine axial series).
/// </summary>
public sealed record StatisticsReport(
    string Tool,
    string ToolVersion,
    string Input,
    string? PatientId,
    string? StudyInstanceUid,
    string? SeriesInstanceUid,
    string WeightsName,
    string WeightsVersion,
    string WeightsSha256,
    int Slices,
    IReadOnlyList<LabelReport> Labels,
    float? Threshold = null,
    double? MinAeratedShare = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Plain text for the version's '+' and file names; the file is data, not HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static StatisticsReport Create(CtInput input, ToolIdentity tool, IReadOnlyList<LabelStatistics> statistics) =>
        new(ToolIdentity.ToolName, tool.ToolVersion, input.Source, input.PatientId, input.StudyInstanceUid, input.SeriesInstanceUid,
            tool.WeightsName, tool.WeightsVersion, tool.WeightsSha256, input.Ct.Grid.SizeZ, [.. statistics.Select(LabelReport.From)], tool.Threshold, tool.MinAeratedShare);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a report this class wrote (a batch re-run reads the finished series' reports).</summary>
    public static StatisticsReport ReadJson(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<StatisticsReport>(File.ReadAllText(path), Json)
                ?? throw new InvalidInputException(path, "the statistics file is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, $"not a NativeSeg statistics file: {e.Message}", e);
        }
    }

    public const string CsvHeader =
        "input,patient_id,study_instance_uid,series_instance_uid,label,voxels,volume_ml,mean_hu,median_hu,fraction_below_minus950_hu,fraction_minus700_to_minus100_hu,first_slice,last_slice,weights,weights_version,weights_sha256,tool_version,threshold,min_aerated_share";

    /// <summary>One CSV row per label (RFC 4180 quoting; invariant culture; empty where null).</summary>
    public IEnumerable<string> CsvRows()
    {
        foreach (var l in Labels)
            yield return string.Join(",", [
                Csv.Field(Input), Csv.Field(PatientId), Csv.Field(StudyInstanceUid), Csv.Field(SeriesInstanceUid), l.Label,
                Csv.Number(l.Voxels), Csv.Number(l.VolumeMl), Csv.Number(l.MeanHu), Csv.Number(l.MedianHu),
                Csv.Number(l.FractionBelowMinus950Hu), Csv.Number(l.FractionMinus700ToMinus100Hu), Csv.Number(l.FirstSlice), Csv.Number(l.LastSlice),
                Csv.Field(WeightsName), Csv.Field(WeightsVersion), WeightsSha256, Csv.Field(ToolVersion),
                Threshold is float t ? t.ToString("R", CultureInfo.InvariantCulture) : "",
                MinAeratedShare is double s ? s.ToString("R", CultureInfo.InvariantCulture) : ""]);
    }

    public static string ToCsv(IEnumerable<StatisticsReport> reports)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var report in reports)
            foreach (var row in report.CsvRows())
                text.Append(row).Append('\n');
        return text.ToString();
    }
}
