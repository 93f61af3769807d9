using System.CommandLine;
using System.Globalization;
using NativeSeg.Cli.Outputs;
using NativeSeg.Simulation.Files;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Phantoms;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg phantom`: a fully synthetic chest CT with its lung mask, normal or with simulated COVID-19.</summary>
public static class PhantomCommand
{
    public static Command Create()
    {
        var outCt = new Option<string>("--out-ct") { Description = "CT to write (.nii.gz, int16 HU).", Required = true };
        var outMask = new Option<string>("--out-mask") { Description = "Lung mask to write (.nii.gz).", Required = true };
        var outLesions = new Option<string?>("--out-lesions") { Description = "Lesion mask to write (with --covid)." };
        var size = new Option<string>("--size") { Description = "Voxels, columns×rows×slices, e.g. 256x256x64.", DefaultValueFactory = _ => "256x256x64" };
        var fov = new Option<double>("--fov") { Description = "In-plane field of view, mm.", DefaultValueFactory = _ => 400 };
        var length = new Option<double>("--length") { Description = "Scan length, mm.", DefaultValueFactory = _ => 300 };
        var noise = new Option<double>("--noise-sd") { Description = "Image noise SD, HU.", DefaultValueFactory = _ => 15 };
        var seed = new Option<ulong>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 1 };
        var covid = new Option<string?>("--covid") { Description = "Add COVID-19 lesions: mild, moderate or severe." };
        var crazyPaving = new Option<bool>("--crazy-paving") { Description = "Crazy-paving texture in part of the ground glass (with --covid)." };
        var preview = new Option<string?>("--preview") { Description = "PNG preview." };
        var command = new Command("phantom", "Generate a synthetic chest CT (body, bones, mediastinum, airways, vessels, lungs) with its lung mask.")
        {
            outCt, outMask, outLesions, size, fov, length, noise, seed, covid, crazyPaving, preview,
        };
        command.SetAction(result => CommandRunner.Run(_ =>
        {
            var dims = ParseSize(result.GetValue(size)!);
            LesionOptions? lesions = null;
            if (result.GetValue(covid) is string severityText)
            {
                if (!SeverityExtensions.TryParse(severityText, out var severity))
                    throw new UsageException($"--covid takes mild, moderate or severe, got '{severityText}'.");
                lesions = LesionOptions.ForSeverity(severity, result.GetValue(seed), result.GetValue(crazyPaving));
            }
            else if (result.GetValue(outLesions) is not null)
            {
                throw new UsageException("--out-lesions needs --covid.");
            }
            var options = new PhantomOptions
            {
                SizeX = dims[0], SizeY = dims[1], SizeZ = dims[2], FieldOfViewMm = result.GetValue(fov), ScanLengthMm = result.GetValue(length),
                NoiseSd = result.GetValue(noise), Seed = result.GetValue(seed), Covid = lesions,
            };
            using var outputs = new OutputSet();
            string ctFile = outputs.File(result.GetValue(outCt)!, "--out-ct");
            string maskFile = outputs.File(result.GetValue(outMask)!, "--out-mask");
            string? lesionsFile = outputs.OptionalFile(result.GetValue(outLesions), "--out-lesions");
            string? previewFile = outputs.OptionalFile(result.GetValue(preview), "--preview");
            PhantomFiles.Write(options, ctFile, maskFile, lesionsFile, previewFile);
            outputs.Commit();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {result.GetValue(outCt)} ({dims[0]}×{dims[1]}×{dims[2]}) and {result.GetValue(outMask)}"));
            return ExitCodes.Success;
        }, CommandContext.Cancellation));
        return command;
    }

    private static int[] ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x', '×');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 8 && v <= 2048))
            throw new UsageException($"--size takes three sizes between 8 and 2048 like 256x256x64, got '{text}'.");
        return [.. parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
    }
}
