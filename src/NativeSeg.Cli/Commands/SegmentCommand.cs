using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NativeSeg.Cli.Devices;
using NativeSeg.Cli.Outputs;
using NativeSeg.Engine;
using NativeSeg.IO;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Processing;
using NativeSeg.IO.Volumes;
using NativeSeg.IO.Nifti;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg segment INPUT -o OUTPUT`: the lung mask of a CT (DICOM folder or file, or NIfTI) as NIfTI on the input's grid.</summary>
public static class SegmentCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "CT: a DICOM folder (searched recursively; the largest CT series) or file, a NIfTI file (.nii/.nii.gz) or a NRRD file (.nrrd/.nhdr); any axis order, gantry tilt corrected." };
        var output = new Option<string>("--output", "-o") { Description = "Lung mask to write (.nii.gz), on exactly the input's grid and affine.", Required = true };
        var weights = new Option<string?>("--weights", "-w") { Description = "Weights file (.safetensors). Default: the shipped weights." };
        var device = new Option<string>("--device", "-d") { Description = "auto, cpu, cuda, reference, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "Slices per forward pass.", DefaultValueFactory = _ => 8 };
        var labels = new Option<string?>("--labels") { Description = "'lr': right lung = 1, left lung = 2 (default: both lungs = 1)." };
        var probabilities = new Option<string?>("--probabilities") { Description = "Also write the lung probability map (float32 NIfTI) here." };
        var preview = new Option<string?>("--preview") { Description = "Also write a PNG preview (axial, coronal slices with the mask contour)." };
        var noPostprocess = new Option<bool>("--no-postprocess") { Description = "Threshold the probabilities only: no largest-component selection or hole filling." };
        var series = new Option<string?>("--series") { Description = "SeriesInstanceUID to read from a DICOM folder with several series." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress or summary text (errors still go to stderr)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print each step and its time." };
        var allowNonCt = new Option<bool>("--allow-non-ct") { Description = "Segment a DICOM series whose Modality is not CT (the result may be meaningless)." };
        var strict = new Option<bool>("--strict") { Description = $"Fail with exit code {ExitCodes.ImplausibleResult} and write nothing when the result is implausible (no lung found, or too little lung for the scanned extent)." };
        var command = new Command("segment", "Segment the lungs of a chest CT and write the mask as NIfTI.")
        {
            input, output, weights, device, batchSize, labels, probabilities, preview, noPostprocess, series, json, quiet, verbose, allowNonCt, strict,
        };
        command.SetAction(result => CommandRunner.Run(cancel => Execute(new Request(
            result.GetValue(input)!, result.GetValue(output)!, result.GetValue(weights), result.GetValue(device)!,
            result.GetValue(batchSize), result.GetValue(labels), result.GetValue(probabilities), result.GetValue(preview),
            !result.GetValue(noPostprocess), result.GetValue(series), result.GetValue(json), result.GetValue(quiet),
            result.GetValue(verbose), result.GetValue(allowNonCt), result.GetValue(strict)), cancel), CommandContext.Cancellation));
        return command;
    }

    private sealed record Request(string Input, string Output, string? Weights, string Device, int BatchSize, string? Labels,
        string? Probabilities, string? Preview, bool Postprocess, string? Series, bool Json, bool Quiet, bool Verbose,
        bool AllowNonCt, bool Strict);

    private static int Execute(Request r, CancellationToken cancellation)
    {
        if (r.BatchSize < 1) throw new UsageException($"--batch-size must be at least 1, got {r.BatchSize}.");
        if (r.Labels is not null && r.Labels != "lr") throw new UsageException($"--labels takes 'lr', got '{r.Labels}'.");
        CheckOutputPath(r.Output, "--output");
        if (r.Probabilities is not null) CheckOutputPath(r.Probabilities, "--probabilities");
        if (r.Preview is not null && !r.Preview.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--preview {r.Preview}: the preview must be a .png file.");
        bool chatty = !r.Quiet && !r.Json;
        void Step(string message) { if (r.Verbose && !r.Quiet) Console.Error.WriteLine(message); }

        string weightsPath = WeightsLocator.Resolve(r.Weights);
        // Every output location is checked, and the inputs protected, before anything is read or computed.
        using var outputs = new OutputSet().Read(r.Input).Read(weightsPath);
        string maskFile = outputs.File(r.Output, "--output");
        string? probabilityFile = outputs.OptionalFile(r.Probabilities, "--probabilities");
        string? previewFile = outputs.OptionalFile(r.Preview, "--preview");
        foreach (string stale in outputs.RemovedStale) Step($"removed {stale} (left by a killed run)");
        string device = AutoDevice.Resolve(r.Device, r.Quiet);

        Step($"reading {r.Input}");
        var ct = ReadCt(r.Input, r.Series, r.AllowNonCt);
        Step($"  {ct.Grid.SizeX}×{ct.Grid.SizeY}×{ct.Grid.SizeZ} voxels");
        // Any axis order or gantry tilt is segmented on an axial grid; an oblique volume stops here, before the weights load.
        var geometry = InputGeometry.For(ct.Grid, r.Input);
        if (!geometry.IsIdentity) Step($"  segmented on an axial grid: {geometry}");
        using var backend = Backends.Create(device);
        using var segmenter = Segmenter.Load(weightsPath, backend);
        Step($"weights {weightsPath} on {backend.Description}");
        var progress = new ConsoleProgress("segmenting", r.Quiet || r.Json);
        var result = new LungSegmentationPipeline(segmenter).Run(ct, r.Input,
            new SegmentationOptions { BatchSize = r.BatchSize, Postprocess = r.Postprocess, SplitLeftRight = r.Labels == "lr" },
            progress.Report, cancellation);

        cancellation.ThrowIfCancellationRequested();
        var warnings = LungPlausibility.Judge(result.Summary.TotalVolumeMl, geometry.NetworkGrid);
        if (r.Strict && warnings.Count > 0)
        {
            Console.Error.WriteLine($"nativeseg: {TerminalText.Sanitize(r.Input)}: {string.Join("; ", warnings)} (--strict: nothing written).");
            return ExitCodes.ImplausibleResult;
        }
        NiftiWriter.Write(maskFile, result.Mask);
        if (probabilityFile is not null) NiftiWriter.Write(probabilityFile, result.Probabilities);
        if (previewFile is not null)
        {
            // The preview's axial and coronal views need the axial order whatever the input's.
            var display = AxialReorientation.For(ct.Grid, r.Input);
            SegmentationPreview.Write(previewFile, display.ToAxial(ct), display.ToAxial(result.Mask));
        }
        outputs.Commit();
        foreach (string warning in warnings)
            Console.Error.WriteLine($"warning: {TerminalText.Sanitize(r.Input)}: {warning}");

        var s = result.Summary;
        if (r.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                input = r.Input, output = r.Output, weights = weightsPath, slices = s.Slices,
                lungVolumeMl = Math.Round(s.TotalVolumeMl, 1), rightLungVolumeMl = Math.Round(s.RightVolumeMl, 1),
                leftLungVolumeMl = Math.Round(s.LeftVolumeMl, 1), meanLungHu = Math.Round(s.MeanHu, 1),
                seconds = Math.Round(s.Seconds, 2), device = s.Device, warnings,
                stageSeconds = new
                {
                    preprocessing = Math.Round(s.Stages.Preprocessing, 2), network = Math.Round(s.Stages.Network, 2),
                    postprocessing = Math.Round(s.Stages.Postprocessing, 2),
                },
            }, new JsonSerializerOptions { WriteIndented = true }));
        }
        else if (chatty)
        {
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"wrote {r.Output}"));
            Console.WriteLine(string.Create(c, $"  lungs        {s.TotalVolumeMl,8:F0} mL  (right {s.RightVolumeMl:F0} mL, left {s.LeftVolumeMl:F0} mL)"));
            Console.WriteLine(string.Create(c, $"  mean HU      {s.MeanHu,8:F0}"));
            Console.WriteLine(string.Create(c, $"  slices       {s.Slices,8}"));
            Console.WriteLine(string.Create(c, $"  time         {s.Seconds,8:F1} s on {s.Device}"));
            if (r.Verbose)
                Console.WriteLine(string.Create(c, $"               {s.Stages.Preprocessing:F1} s preprocessing, {s.Stages.Network:F1} s network ({s.Stages.Network / Math.Max(s.Slices, 1) * 1e3:F0} ms/slice), {s.Stages.Postprocessing:F1} s post-processing"));
        }
        return ExitCodes.Success;
    }

    private static void CheckOutputPath(string path, string option)
    {
        if (!path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"{option} {path}: the output must be a NIfTI file ending in .nii.gz or .nii.");
    }

    /// <summary>Like <see cref="CtReader.Read"/>, with the CLI's own words for the library's non-CT refusal.</summary>
    private static Volume<float> ReadCt(string path, string? series, bool allowNonCt)
    {
        if (allowNonCt && (Directory.Exists(path) || DicomFile.LooksLikeDicom(path)))
            return DicomSeriesReader.ReadVolume(path, series, allowNonCt: true);
        try
        {
            return CtReader.Read(path, series);
        }
        catch (InvalidInputException e) when (e.Reason.Contains("not CT", StringComparison.Ordinal))
        {
            // The library names its own parameter (allowNonCt); a CLI user needs the option.
            string reason = e.Reason;
            int hint = reason.IndexOf("; pass allowNonCt", StringComparison.Ordinal);
            if (hint >= 0) reason = reason[..hint];
            throw new InvalidInputException(e.Path, reason.TrimEnd('.', ' ') + "; pass --allow-non-ct to segment it anyway.", e);
        }
    }
}
