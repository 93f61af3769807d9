using System.CommandLine;
using System.Globalization;
using NativeSeg.Cli.Outputs;
using NativeSeg.Simulation.Files;
using NativeSeg.Simulation.Lesions;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg simulate`: COVID-19 pneumonia (ground glass, consolidation, crazy paving) inserted into a real CT.</summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var ct = new Option<string>("--ct") { Description = "Input CT: NIfTI file, DICOM folder or DICOM file.", Required = true };
        var mask = new Option<string>("--mask") { Description = "Its lung mask (NIfTI).", Required = true };
        var outCt = new Option<string>("--out-ct") { Description = "CT with lesions to write (.nii.gz; same grid and affine).", Required = true };
        var outLesions = new Option<string>("--out-lesions") { Description = "Lesion mask to write (.nii.gz): 1 ground glass, 2 consolidation, 3 crazy paving.", Required = true };
        var severity = new Option<string?>("--severity") { Description = "mild (5 %), moderate (15 %), severe (35 % of the lung volume). Default moderate." };
        var fraction = new Option<double?>("--fraction") { Description = "Explicit affected fraction of the lung volume, in (0, 0.9]." };
        var consolidation = new Option<double?>("--consolidation-share") { Description = "Share of the lesion volume that is consolidation, in [0, 1)." };
        var crazyPaving = new Option<bool>("--crazy-paving") { Description = "Add crazy-paving texture to part of the ground glass." };
        var noise = new Option<double?>("--noise-sd") { Description = "Noise SD in HU for the lesions (default: measured in the input)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed (same seed, same bytes).", DefaultValueFactory = _ => 1 };
        var preview = new Option<string?>("--preview") { Description = "PNG preview: axial and coronal, before and after, with contours." };
        var command = new Command("simulate", "Insert simulated COVID-19 pneumonia into a real CT, with a lesion mask.")
        {
            ct, mask, outCt, outLesions, severity, fraction, consolidation, crazyPaving, noise, seed, preview,
        };
        command.SetAction(result => CommandRunner.Run(_ =>
        {
            var options = Options(result.GetValue(severity), result.GetValue(fraction), result.GetValue(consolidation),
                result.GetValue(crazyPaving), result.GetValue(noise), result.GetValue(seed));
            using var outputs = new OutputSet().Read(result.GetValue(ct)).Read(result.GetValue(mask));
            string ctFile = outputs.File(result.GetValue(outCt)!, "--out-ct");
            string lesionsFile = outputs.File(result.GetValue(outLesions)!, "--out-lesions");
            string? previewFile = outputs.OptionalFile(result.GetValue(preview), "--preview");
            var (statistics, checks) = CovidSimulation.Run(result.GetValue(ct)!, result.GetValue(mask)!, ctFile, lesionsFile, options, previewFile);
            outputs.Commit();
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"wrote {result.GetValue(outCt)} and {result.GetValue(outLesions)}"));
            Console.WriteLine(string.Create(c, $"  affected {statistics.AffectedFraction:P1} of {statistics.LungVoxels:N0} lung voxels (requested {statistics.RequestedFraction:P1})"));
            Console.WriteLine(string.Create(c, $"  ground glass {statistics.GroundGlassVoxels:N0}, crazy paving {statistics.CrazyPavingVoxels:N0}, consolidation {statistics.ConsolidationVoxels:N0} voxels"));
            Console.WriteLine(string.Create(c, $"  noise SD {statistics.NoiseSd:F1} HU ({(statistics.NoiseMeasured ? "measured in the input" : "given")})"));
            Console.WriteLine($"  checks: {checks}");
            return checks.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
        }, CommandContext.Cancellation));
        return command;
    }

    private static LesionOptions Options(string? severityText, double? fraction, double? consolidationShare, bool crazyPaving, double? noiseSd, ulong seed)
    {
        var severity = Severity.Moderate;
        if (severityText is not null && !SeverityExtensions.TryParse(severityText, out severity))
            throw new UsageException($"--severity takes mild, moderate or severe, got '{severityText}'.");
        if (severityText is not null && fraction is not null)
            throw new UsageException("give either --severity or --fraction, not both.");
        var options = LesionOptions.ForSeverity(severity, seed, crazyPaving);
        if (fraction is double f)
        {
            if (!(f > 0 && f <= 0.9)) throw new UsageException($"--fraction must be in (0, 0.9], got {f}.");
            options = options with { AffectedFraction = f };
        }
        if (consolidationShare is double s)
        {
            if (!(s >= 0 && s < 1)) throw new UsageException($"--consolidation-share must be in [0, 1), got {s}.");
            options = options with { ConsolidationShare = s };
        }
        if (noiseSd is double n)
        {
            if (!(n >= 0)) throw new UsageException($"--noise-sd must be non-negative, got {n}.");
            options = options with { NoiseSd = n };
        }
        return options;
    }
}
