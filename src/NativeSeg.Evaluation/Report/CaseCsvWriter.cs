using System.Text;
using NativeSeg.Evaluation.Metrics;

namespace NativeSeg.Evaluation.Report;

/// <summary>cases.csv: one row per case, every metric at round-trip precision (empty = undefined).</summary>
public static class CaseCsvWriter
{
    public static string Write(IEnumerable<CaseResult> cases)
    {
        var text = new StringBuilder();
        var columns = new List<string> { "id", "group" };
        columns.AddRange(MetricCatalog.All.Select(m => m.Key));
        columns.AddRange(["auc_error_bound", "auc_source", "reference_voxels", "predicted_voxels", "true_positive_voxels",
            "false_positive_voxels", "false_negative_voxels", "roc_voxels", "overlay_slice"]);
        text.AppendLine(string.Join(',', columns));
        foreach (var c in cases)
        {
            var m = c.Metrics;
            var row = new List<string> { Quote(c.Id), Quote(c.Group) };
            row.AddRange(MetricCatalog.All.Select(d => Format.Exact(d.Read(m))));
            row.AddRange([Format.Exact(m.AucErrorBound), m.AucFromProbabilities ? "probabilities" : "binary_prediction",
                m.ReferenceVoxels.ToString(Format.Invariant), m.PredictedVoxels.ToString(Format.Invariant),
                m.TruePositiveVoxels.ToString(Format.Invariant), m.FalsePositiveVoxels.ToString(Format.Invariant),
                m.FalseNegativeVoxels.ToString(Format.Invariant), m.RocVoxels.ToString(Format.Invariant),
                c.Overlay?.SliceIndex.ToString(Format.Invariant) ?? ""]);
            text.AppendLine(string.Join(',', row));
        }
        return text.ToString();
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
