using System.CommandLine;
using System.Globalization;
using System.Text;
using NativeSeg.Cli.Devices;
using NativeSeg.Cli.Outputs;
using NativeSeg.Engine;
using NativeSeg.Evaluation.Metrics;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.IO;
using NativeSeg.IO.Datasets;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg ablate-postprocessing MANIFEST -o FOLDER`: every case of a manifest that has a reference mask, segmented
/// once, scored after each post-processing step (<see cref="PostprocessingAblation"/>). FOLDER/ablation.csv has a row per
/// case and step, FOLDER/ablation.md the Dice table with each group's mean and what each step changed.
/// </summary>
public static class AblatePostprocessingCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "Dataset manifest (JSON); every case with a reference mask is scored." };
        var output = new Option<string>("--output", "-o") { Description = "Folder (created): ablation.csv and ablation.md.", Required = true };
        var weights = new Option<string?>("--weights", "-w") { Description = "Weights file (default: the shipped weights)." };
        var device = new Option<string>("--device", "-d") { Description = "auto, cpu, cuda, reference, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var split = new Option<string?>("--split") { Description = "Only the cases of this split (e.g. test)." };
        var cases = new Option<string[]>("--cases") { Description = "Only these case ids.", AllowMultipleArgumentsPerToken = true };
        var minAeratedShare = new Option<double>("--min-aerated-share")
        {
            Description = "The AeratedGuard step drops each piece of lung in a slice less than this share aerated (< -400 HU); 0 < share <= 1.",
            DefaultValueFactory = _ => AeratedLungGuard.MeasuredMinAeratedShare,
        };
        var command = new Command("ablate-postprocessing", "Score every post-processing step on every case of a manifest: the network once per case, then threshold, body, lung components, 3D holes (the default), slice holes, and the default with the aerated-lung guard.")
        {
            manifest, output, weights, device, split, cases, minAeratedShare,
        };
        command.SetAction(result => CommandRunner.Run(cancel => Execute(result.GetValue(manifest)!, result.GetValue(output)!,
            result.GetValue(weights), result.GetValue(device)!, result.GetValue(split), result.GetValue(cases) ?? [],
            result.GetValue(minAeratedShare), cancel),
            CommandContext.Cancellation));
        return command;
    }

    private static int Execute(string manifestPath, string folder, string? weightsOption, string device, string? split,
        string[] caseIds, double minAeratedShare, CancellationToken cancellation)
    {
        var c = CultureInfo.InvariantCulture;
        if (minAeratedShare == 0 || AeratedLungGuard.SettingProblem(minAeratedShare) is not null)
            throw new UsageException(string.Create(c, $"--min-aerated-share: {minAeratedShare} is not a share above 0 and at most 1."));
        var manifest = DatasetManifest.Load(manifestPath);
        var unknown = caseIds.Where(id => manifest.Cases.All(k => k.Id != id)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"--cases: {string.Join(", ", unknown)} not in {manifestPath}.");
        var selected = manifest.Cases
            .Where(k => k.Mask is not null && (split is null || k.Split == split) && (caseIds.Length == 0 || caseIds.Contains(k.Id)))
            .ToList();
        if (selected.Count == 0)
            throw new InvalidInputException(manifestPath, "no case with a reference mask matches the selection.");
        string weightsPath = WeightsLocator.Resolve(weightsOption);
        using var outputs = new OutputSet().Read(manifestPath).Read(weightsPath);
        foreach (var k in selected) outputs.Read(manifest.Resolve(k.Ct)).Read(manifest.Resolve(k.Mask!));
        string staged = outputs.Folder(folder, "--output");

        using var backend = Backends.Create(AutoDevice.Resolve(device, quiet: false));
        using var segmenter = Segmenter.Load(weightsPath, backend);
        var pipeline = new LungSegmentationPipeline(segmenter);
        int batchSize = SegmentationOptions.DefaultBatchSize(backend);
        Console.WriteLine($"device: {backend.Description}; {selected.Count} cases, weights {weightsPath}");
        var rows = new List<AblationRow>();
        foreach (var k in selected)
        {
            cancellation.ThrowIfCancellationRequested();
            string ctPath = manifest.Resolve(k.Ct);
            var ct = CtReader.Read(ctPath);
            string maskPath = manifest.Resolve(k.Mask!);
            var reference = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(maskPath), ct.Grid, maskPath);
            var masks = PostprocessingAblation.Run(pipeline, ct, ctPath, batchSize, minAeratedShare: minAeratedShare, cancellation: cancellation);
            var scored = new List<CaseMetrics>();
            foreach (var mask in masks)
                scored.Add(CaseEvaluator.Evaluate(ct, reference, mask, null).Metrics);
            rows.Add(new AblationRow(k, scored));
            Console.WriteLine(string.Create(c, $"  {k.Id}: Dice {string.Join(" → ", scored.Select(m => m.Dice.ToString("F4", c)))}"));
        }
        File.WriteAllText(Path.Combine(staged, "ablation.csv"), Csv(rows));
        File.WriteAllText(Path.Combine(staged, "ablation.md"), Markdown(rows, manifestPath, weightsPath, minAeratedShare));
        outputs.Commit();
        Console.WriteLine($"wrote {Path.Combine(folder, "ablation.md")} and ablation.csv");
        return ExitCodes.Success;
    }

    private sealed record AblationRow(DatasetCase Case, IReadOnlyList<CaseMetrics> Steps)
    {
        /// <summary>The row's group in the tables: normal, or COVID-19 by severity when the manifest gives one.</summary>
        public string Group => Case.Group == DatasetManifest.GroupNormal || string.IsNullOrEmpty(Case.Severity) ? Case.Group : $"{Case.Group} {Case.Severity}";
    }

    private static string Csv(IReadOnlyList<AblationRow> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder("case,patient,group,severity,step,dice,jaccard,false_negative_rate,false_positive_rate,predicted_voxels,reference_voxels\n");
        foreach (var row in rows)
            for (int s = 0; s < row.Steps.Count; s++)
            {
                var m = row.Steps[s];
                text.Append(string.Create(c, $"{row.Case.Id},{row.Case.Patient},{row.Case.Group},{row.Case.Severity},{PostprocessingAblation.Steps[s]},"))
                    .Append(string.Create(c, $"{m.Dice:R},{m.Jaccard:R},{m.FalseNegativeRate:R},{m.FalsePositiveRate:R},{m.PredictedVoxels},{m.ReferenceVoxels}\n"));
            }
        return text.ToString();
    }

    private static string Markdown(IReadOnlyList<AblationRow> rows, string manifestPath, string weightsPath, double minAeratedShare)
    {
        var c = CultureInfo.InvariantCulture;
        var steps = PostprocessingAblation.Steps;
        var text = new StringBuilder();
        text.Append($"# Post-processing ablation\n\nManifest `{Path.GetFileName(manifestPath)}`, weights `{Path.GetFileName(weightsPath)}`. ")
            .Append("Each step adds to the one left of it, except `AeratedGuard`: `Holes3D` (`nativeseg segment`'s default output) with ")
            .Append(string.Create(c, $"each piece of lung in a slice less than {minAeratedShare:0.###} aerated dropped first.\n\n"));
        string header = "| case | group | " + string.Join(" | ", steps) + " |\n| --- | --- |" + string.Concat(steps.Select(_ => " ---: |")) + "\n";
        text.Append("## Dice per case\n\n").Append(header);
        foreach (var row in rows)
            text.Append($"| {row.Case.Id} | {row.Group} | ").Append(string.Join(" | ", row.Steps.Select(m => m.Dice.ToString("F4", c)))).Append(" |\n");
        text.Append("\n## Mean per group: Dice (false-negative rate / false-positive rate, %)\n\n").Append(header.Replace("| case | group |", "| group | cases |"));
        foreach (var group in rows.GroupBy(r => r.Group))
        {
            text.Append($"| {group.Key} | {group.Count()} | ");
            text.Append(string.Join(" | ", steps.Select((_, s) => string.Create(c,
                $"{group.Average(r => r.Steps[s].Dice):F4} ({100 * group.Average(r => r.Steps[s].FalseNegativeRate):F1} / {100 * group.Average(r => r.Steps[s].FalsePositiveRate):F1})"))));
            text.Append(" |\n");
        }
        var changing = steps.Skip(1).Select(step => (Step: step, Before: PostprocessingAblation.Before(step)!.Value)).ToList();
        text.Append("\n## What each step changed: Dice of the step minus the step it adds to, per group (smallest … largest over its cases)\n\n")
            .Append("| group | " + string.Join(" | ", changing.Select(p => $"{p.Step} − {p.Before}")) + " |\n| --- |" + string.Concat(changing.Select(_ => " ---: |")) + "\n");
        foreach (var group in rows.GroupBy(r => r.Group))
        {
            text.Append($"| {group.Key} | ");
            text.Append(string.Join(" | ", changing.Select(p =>
            {
                int after = PostprocessingAblation.IndexOf(p.Step), before = PostprocessingAblation.IndexOf(p.Before);
                var change = group.Select(r => r.Steps[after].Dice - r.Steps[before].Dice).ToList();
                return string.Create(c, $"{change.Average():+0.0000;−0.0000;0} ({change.Min():+0.0000;−0.0000;0} … {change.Max():+0.0000;−0.0000;0})");
            })));
            text.Append(" |\n");
        }
        return text.ToString();
    }
}
