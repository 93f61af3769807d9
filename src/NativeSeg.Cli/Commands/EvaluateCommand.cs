using System.CommandLine;
using System.Globalization;
using NativeSeg.Cli.Outputs;
using NativeSeg.Evaluation;
using NativeSeg.Evaluation.Report;
using NativeSeg.IO.Datasets;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg evaluate MANIFEST -o FOLDER`: the paper's Table 1, ROC curves, statistics and figures.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "Dataset manifest (JSON) whose cases have ct, mask, group and prediction and/or probabilities." };
        var output = new Option<string>("--output", "-o") { Description = "Report folder (created): cases.csv, report.md, report.html, SVG charts, PNG overlays.", Required = true };
        var wholeVolume = new Option<bool>("--roc-whole-volume") { Description = "ROC over every voxel instead of the per-slice body bounding box." };
        var noOverlays = new Option<bool>("--no-overlays") { Description = "Skip the best/median/worst overlay figures." };
        var command = new Command("evaluate", "Evaluate predicted lung masks against reference masks: per-case metrics, group statistics, ROC, report.")
        {
            manifest, output, wholeVolume, noOverlays,
        };
        command.SetAction(result => CommandRunner.Run(_ =>
        {
            string manifestPath = result.GetValue(manifest)!;
            var loaded = DatasetManifest.Load(manifestPath);
            var options = new EvaluationOptions
            {
                RocRegion = result.GetValue(wholeVolume) ? RocRegion.WholeVolume : RocRegion.BodyBoundingBox,
                WriteOverlays = !result.GetValue(noOverlays),
            };
            string reportFolder = result.GetValue(output)!;
            using var outputs = new OutputSet().Read(manifestPath);
            foreach (var path in ManifestFiles.Of(loaded)) outputs.Read(path);
            // The report is written into a hidden folder and moved into place whole: an error leaves no report/ behind.
            var summary = EvaluationReport.Run(loaded, outputs.Folder(reportFolder, "--output"), options);
            if (!summary.Cases.Any())
                throw new IO.InvalidInputException(manifestPath, "no case has both a reference mask and a prediction or probability map to evaluate.");
            outputs.Commit();
            Print(summary, reportFolder);
            return ExitCodes.Success;
        }, CommandContext.Cancellation));
        return command;
    }

    private static void Print(EvaluationSummary summary, string reportFolder)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var group in summary.Groups)
        {
            var dice = group.Metrics["dice"].Descriptive;
            Console.WriteLine(string.Create(c, $"{group.Name,-8} {group.Cases.Count,3} cases  Dice {dice.Mean:F4} (min {dice.Min:F4})  pooled AUC {group.PooledAuc:F4}"));
        }
        foreach (var skipped in summary.Skipped)
            Console.WriteLine($"skipped {skipped.Id}: {skipped.Reason}");
        Console.WriteLine($"report: {Path.Combine(reportFolder, "report.html")}");
    }
}
