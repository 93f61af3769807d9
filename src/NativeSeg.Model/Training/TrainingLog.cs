using System.Globalization;
using System.Text;

namespace NativeSeg.Model.Training;

/// <summary>
/// The human-readable record of a run, rewritten whole after every epoch (atomically, so a resumed run's files equal
/// an uninterrupted run's): a CSV with one line per epoch and an SVG chart of the mean training loss (left axis) and
/// the validation Dice (right axis, 0..1) against the epoch.
/// </summary>
public static class TrainingLog
{
    public const string CsvHeader = "epoch,global_step,loss,dice_loss,l2_penalty,validation_dice,seconds,slices_per_second";

    public static string ToCsv(IReadOnlyList<EpochRecord> history)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder().AppendLine(CsvHeader);
        foreach (var r in history)
            text.AppendLine(c, $"{r.Epoch},{r.GlobalStep},{r.MeanLoss:R},{r.MeanDiceLoss:R},{r.MeanL2Penalty:R},{r.ValidationDice:R},{r.Seconds:F3},{r.SlicesPerSecond:F2}");
        return text.ToString();
    }

    public static string ToSvg(IReadOnlyList<EpochRecord> history)
    {
        var c = CultureInfo.InvariantCulture;
        const double width = 640, height = 360, left = 60, right = 60, top = 30, bottom = 50;
        double plotWidth = width - left - right, plotHeight = height - top - bottom;
        int lastEpoch = Math.Max(1, history.Count == 0 ? 1 : history[^1].Epoch);
        double maxLoss = history.Where(r => double.IsFinite(r.MeanLoss)).Select(r => r.MeanLoss).DefaultIfEmpty(1).Max();
        if (!(maxLoss > 0)) maxLoss = 1;
        double X(int epoch) => left + (lastEpoch == 1 ? plotWidth / 2 : (epoch - 1) * plotWidth / (lastEpoch - 1));
        double YLoss(double loss) => top + plotHeight * (1 - Math.Clamp(loss / maxLoss, 0, 1));
        double YDice(double dice) => top + plotHeight * (1 - Math.Clamp(dice, 0, 1));
        string Points(Func<EpochRecord, double> y) =>
            string.Join(" ", history.Where(r => double.IsFinite(y(r))).Select(r => string.Create(c, $"{X(r.Epoch):F1},{y(r):F1}")));

        var svg = new StringBuilder();
        svg.AppendLine(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine(c, $"<rect x=\"{left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#888\"/>");
        svg.AppendLine(c, $"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\">HighResNet2D training: loss and validation Dice</text>");
        svg.AppendLine(c, $"<text x=\"{width / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">epoch (1–{lastEpoch})</text>");
        svg.AppendLine(c, $"<text x=\"{left - 8}\" y=\"{top + 4}\" text-anchor=\"end\" fill=\"#c0392b\">{maxLoss:G3}</text>");
        svg.AppendLine(c, $"<text x=\"{left - 8}\" y=\"{top + plotHeight}\" text-anchor=\"end\" fill=\"#c0392b\">0</text>");
        svg.AppendLine(c, $"<text x=\"{width - right + 8}\" y=\"{top + 4}\" fill=\"#2471a3\">1</text>");
        svg.AppendLine(c, $"<text x=\"{width - right + 8}\" y=\"{top + plotHeight}\" fill=\"#2471a3\">0</text>");
        svg.AppendLine(c, $"<text x=\"{left}\" y=\"{top - 6}\" fill=\"#c0392b\">loss</text>");
        svg.AppendLine(c, $"<text x=\"{width - right}\" y=\"{top - 6}\" text-anchor=\"end\" fill=\"#2471a3\">validation Dice</text>");
        svg.AppendLine(c, $"<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"{Points(r => YLoss(r.MeanLoss))}\"/>");
        svg.AppendLine(c, $"<polyline fill=\"none\" stroke=\"#2471a3\" stroke-width=\"2\" points=\"{Points(r => double.IsFinite(r.ValidationDice) ? YDice(r.ValidationDice) : double.NaN)}\"/>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    public static void Write(string csvPath, string svgPath, IReadOnlyList<EpochRecord> history)
    {
        WriteAtomically(csvPath, ToCsv(history));
        WriteAtomically(svgPath, ToSvg(history));
    }

    internal static void WriteAtomically(string path, string content)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".nativeseg-tmp-{Environment.ProcessId}-{Path.GetFileName(full)}");
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
