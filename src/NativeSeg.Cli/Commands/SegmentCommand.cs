using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NativeSeg.Cli.Devices;
using NativeSeg.Cli.Outputs;
using NativeSeg.Cli.Segmentation;
using NativeSeg.Engine;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.IO;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg segment INPUT -o OUTPUT`: the lung mask of a CT (DICOM folder or file, or NIfTI) as NIfTI on the input's
/// grid, or as a DICOM Segmentation of a DICOM series; `--output-folder DIR` segments many inputs (see <see cref="BatchSegmentation"/>).
/// </summary>
public static class SegmentCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("input")
        {
            Description = "CT: a DICOM folder (searched recursively; the largest CT series) or file, a NIfTI file (.nii/.nii.gz) or a NRRD file (.nrrd/.nhdr); any axis order, gantry tilt corrected. With --output-folder: any number of these, folders segmented series by series.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var output = new Option<string?>("--output", "-o") { Description = "Lung mask to write: .nii.gz/.nii (on exactly the input's grid and affine) or .dcm (a DICOM Segmentation; DICOM input only)." };
        var dicomSeg = new Option<string?>("--dicom-seg") { Description = "Also write the mask as a DICOM Segmentation (.dcm) referencing the input series (DICOM input only)." };
        var rtStruct = new Option<string?>("--rtstruct") { Description = "Also write the lung outlines as a DICOM RT Structure Set (.dcm), one contour per lung outline per slice (DICOM input only)." };
        var statistics = new Option<string?>("--statistics") { Description = "Write per-label statistics (volume, mean and median HU, fractions below -950 HU and from -700 to -100 HU, slice range, weights' SHA-256, version): .json or .csv; with --output-folder a .csv over all series." };
        var outputFolder = new Option<string?>("--output-folder") { Description = "Batch: segment every input (every CT series of a folder) into this folder, named {PatientID}_{SeriesInstanceUID}_lungs.nii.gz / .dcm; a re-run skips series finished by the same weights and threshold and replaces the others." };
        var list = new Option<string?>("--list") { Description = "Batch: a text file of inputs, one per line (relative to the list's folder; # comments)." };
        var format = new Option<string>("--output-format") { Description = "Batch: any of nii.gz, dcm (DICOM-SEG), rtstruct, comma-separated.", DefaultValueFactory = _ => "nii.gz" };
        var summary = new Option<string?>("--summary") { Description = "Batch: the summary CSV (default: OUTPUT_FOLDER/summary.csv)." };
        var weights = new Option<string?>("--weights", "-w") { Description = "Weights file (.safetensors). Default: the shipped weights." };
        var device = new Option<string>("--device", "-d") { Description = "auto, cpu, cuda, reference, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var batchSize = new Option<int?>("--batch-size", "-b") { Description = "Slices per forward pass (default: 1 on cpu, where a larger batch only costs memory; 8 on a GPU)." };
        var labels = new Option<string?>("--labels") { Description = "'lr': right lung = 1, left lung = 2 (default: both lungs = 1); a DICOM-SEG then holds two segments." };
        var probabilities = new Option<string?>("--probabilities") { Description = "Also write the lung probability map (float32 NIfTI) here." };
        var preview = new Option<string?>("--preview") { Description = "Also write a PNG preview (axial, coronal slices with the mask contour)." };
        var noPostprocess = new Option<bool>("--no-postprocess") { Description = "Threshold the probabilities only: no largest-component selection or hole filling." };
        var series = new Option<string?>("--series") { Description = "SeriesInstanceUID to read from a DICOM folder with several series." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress or summary text (errors still go to stderr)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print each step and its time." };
        var allowNonCt = new Option<bool>("--allow-non-ct") { Description = "Segment a DICOM series whose Modality is not CT (the result may be meaningless)." };
        var allSlices = new Option<bool>("--all-slices") { Description = "Run the network on every slice, not only from the middle out to the ends of the lungs (the same mask; for comparison and timing)." };
        var threshold = new Option<float?>("--threshold") { Description = "Lung probability at or above which a voxel is lung, strictly between 0 and 1 (default: the weights' decision_threshold, 0.5 for a file that names none)." };
        var minAeratedShare = new Option<double?>("--min-aerated-share")
        {
            Description = $"Drop each piece of lung in an axial slice of which less than this share is aerated (below -400 HU): what a failing network takes for lung in the abdomen or the body wall, and also fully consolidated lung at the bases; 0 turns it off (default: {SegmentationOptions.DefaultMinAeratedShare.ToString(CultureInfo.InvariantCulture)}; the measured setting: {AeratedLungGuard.MeasuredMinAeratedShare.ToString(CultureInfo.InvariantCulture)}, model card).",
        };
        var strict = new Option<bool>("--strict") { Description = $"Fail with exit code {ExitCodes.ImplausibleResult} and write nothing when the result is implausible (no lung found, or too little lung for the scanned extent)." };
        var command = new Command("segment", "Segment the lungs of a chest CT and write the mask as NIfTI or DICOM-SEG; or of many CTs with --output-folder.")
        {
            inputs, output, dicomSeg, rtStruct, statistics, outputFolder, list, format, summary, weights, device, batchSize, labels, probabilities, preview,
            noPostprocess, threshold, minAeratedShare, series, json, quiet, verbose, allowNonCt, strict, allSlices,
        };
        command.SetAction(result => CommandRunner.Run(cancel => Execute(new Request(
            result.GetValue(inputs) ?? [], result.GetValue(output), result.GetValue(dicomSeg), result.GetValue(rtStruct), result.GetValue(statistics),
            result.GetValue(outputFolder), result.GetValue(list), result.GetValue(format)!, result.GetValue(summary),
            result.GetValue(weights), result.GetValue(device)!, result.GetValue(batchSize), result.GetValue(labels), result.GetValue(probabilities),
            result.GetValue(preview), !result.GetValue(noPostprocess), result.GetValue(series), result.GetValue(json), result.GetValue(quiet),
            result.GetValue(verbose), result.GetValue(allowNonCt), result.GetValue(strict), result.GetValue(allSlices), result.GetValue(threshold),
            result.GetValue(minAeratedShare)), cancel), CommandContext.Cancellation));
        return command;
    }

    /// <summary>Everything `segment` was given.</summary>
    public sealed record Request(string[] Inputs, string? Output, string? DicomSeg, string? RtStruct, string? Statistics, string? OutputFolder, string? List,
        string OutputFormat, string? Summary, string? Weights, string Device, int? BatchSize, string? Labels, string? Probabilities,
        string? Preview, bool Postprocess, string? Series, bool Json, bool Quiet, bool Verbose, bool AllowNonCt, bool Strict, bool AllSlices = false,
        float? Threshold = null, double? MinAeratedShare = null)
    {
        public bool SplitLeftRight => Labels == "lr";

        /// <summary>The aerated-lung guard's share this run uses: the option's, else the default.</summary>
        public double AeratedShare => MinAeratedShare ?? SegmentationOptions.DefaultMinAeratedShare;
    }

    private static int Execute(Request r, CancellationToken cancellation)
    {
        if (r.BatchSize is < 1) throw new UsageException($"--batch-size must be at least 1, got {r.BatchSize}.");
        if (r.Threshold is float t && Model.Weights.WeightsMetadata.ThresholdProblem(t) is string problem)
            throw new UsageException($"--threshold {problem}.");
        if (r.MinAeratedShare is double share && AeratedLungGuard.SettingProblem(share) is string shareProblem)
            throw new UsageException($"--min-aerated-share {shareProblem}.");
        if (r.MinAeratedShare is > 0 && !r.Postprocess)
            throw new UsageException("--min-aerated-share is a post-processing step; --no-postprocess turns post-processing off.");
        if (r.Labels is not null && r.Labels != "lr") throw new UsageException($"--labels takes 'lr', got '{r.Labels}'.");
        // The inputs take any number of values, so an unknown option arrives as one; no input path starts with '-'
        // unless it exists (write ./-name for such a file).
        if (r.Inputs.FirstOrDefault(i => i.StartsWith('-') && !File.Exists(i) && !Directory.Exists(i)) is { } unknown)
            throw new UsageException($"unrecognized option '{unknown}'; run 'nativeseg segment --help' for the options.");
        if (r.OutputFolder is not null || r.List is not null)
            return BatchSegmentation.Run(r, cancellation);
        return RunSingle(r, cancellation);
    }

    private static int RunSingle(Request r, CancellationToken cancellation)
    {
        if (r.Inputs.Length != 1)
            throw new UsageException(r.Inputs.Length == 0
                ? "segment needs an input (a DICOM folder or file, or a NIfTI file)."
                : $"segment was given {r.Inputs.Length} inputs; segment several with --output-folder DIR.");
        if (r.OutputFormat != "nii.gz" || r.Summary is not null)
            throw new UsageException("--output-format and --summary belong to batch runs (--output-folder DIR).");
        string input = r.Inputs[0];
        if (r.Output is null && r.DicomSeg is null && r.RtStruct is null)
            throw new UsageException("segment needs --output FILE (.nii.gz or .dcm), --dicom-seg FILE or --rtstruct FILE.");
        if (r.Output is not null && !SeriesSegmentation.IsNiftiPath(r.Output) && !SeriesSegmentation.IsDicomPath(r.Output))
            throw new UsageException($"--output {r.Output}: the output must be a NIfTI file (.nii.gz or .nii) or a DICOM Segmentation (.dcm).");
        if (r.DicomSeg is not null && !SeriesSegmentation.IsDicomPath(r.DicomSeg))
            throw new UsageException($"--dicom-seg {r.DicomSeg}: a DICOM Segmentation file ends in .dcm.");
        if (r.RtStruct is not null && !SeriesSegmentation.IsDicomPath(r.RtStruct))
            throw new UsageException($"--rtstruct {r.RtStruct}: an RT Structure Set file ends in .dcm.");
        bool wantsDicom = r.DicomSeg is not null || r.RtStruct is not null || (r.Output is not null && SeriesSegmentation.IsDicomPath(r.Output));
        if (wantsDicom && File.Exists(input) && CtReader.IsNifti(input))
            throw new UsageException($"{input}: a NIfTI input has no DICOM instances for a DICOM Segmentation or RT Structure Set to reference; write the mask as .nii.gz, or segment the DICOM series.");
        if (r.Probabilities is not null && !SeriesSegmentation.IsNiftiPath(r.Probabilities))
            throw new UsageException($"--probabilities {r.Probabilities}: the output must be a NIfTI file ending in .nii.gz or .nii.");
        if (r.Preview is not null && !r.Preview.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--preview {r.Preview}: the preview must be a .png file.");
        CheckStatisticsPath(r.Statistics, allowJson: true);
        bool chatty = !r.Quiet && !r.Json;
        void Step(string message) { if (r.Verbose && !r.Quiet) Console.Error.WriteLine(message); }

        string weightsPath = WeightsLocator.Resolve(r.Weights);
        // Every output location is checked, and the inputs protected, before anything is read or computed.
        using var outputs = new OutputSet().Read(input).Read(weightsPath);
        bool outputIsSeg = r.Output is not null && SeriesSegmentation.IsDicomPath(r.Output);
        var files = new SeriesOutputFiles(
            Nifti: r.Output is not null && !outputIsSeg ? outputs.File(r.Output, "--output") : null,
            DicomSeg: outputIsSeg ? outputs.File(r.Output!, "--output") : outputs.OptionalFile(r.DicomSeg, "--dicom-seg"),
            RtStruct: outputs.OptionalFile(r.RtStruct, "--rtstruct"),
            Probabilities: outputs.OptionalFile(r.Probabilities, "--probabilities"),
            Preview: outputs.OptionalFile(r.Preview, "--preview"),
            StatisticsJson: r.Statistics is not null && !IsCsv(r.Statistics) ? outputs.File(r.Statistics, "--statistics") : null,
            StatisticsCsv: r.Statistics is not null && IsCsv(r.Statistics) ? outputs.File(r.Statistics, "--statistics") : null);
        foreach (string stale in outputs.RemovedStale) Step($"removed {stale} (left by a killed run)");
        string device = AutoDevice.Resolve(r.Device, r.Quiet);

        Step($"reading {input}");
        var ct = CtInput.Read(input, r.Series, r.AllowNonCt);
        Step($"  {ct.Ct.Grid.SizeX}×{ct.Ct.Grid.SizeY}×{ct.Ct.Grid.SizeZ} voxels");
        // Any axis order or gantry tilt is segmented on an axial grid; an oblique volume stops here, before the weights load.
        if (!ct.Geometry.IsIdentity) Step($"  segmented on an axial grid: {ct.Geometry}");
        using var backend = Backends.Create(device);
        using var segmenter = Segmenter.Load(weightsPath, backend);
        var tool = ToolIdentity.Of(weightsPath, segmenter.Metadata, r.Threshold, r.AeratedShare);
        Step($"weights {weightsPath} on {backend.Description}");
        var progress = new ConsoleProgress("segmenting", r.Quiet || r.Json);
        var segmented = SeriesSegmentation.Run(new LungSegmentationPipeline(segmenter), ct, r.BatchSize, r.Postprocess,
            keepProbabilities: r.Probabilities is not null, progress.Report, cancellation, allSlices: r.AllSlices, threshold: r.Threshold,
            minAeratedShare: r.AeratedShare);

        var warnings = LungPlausibility.Judge(segmented.Result.Summary.TotalVolumeMl, ct.Geometry.NetworkGrid);
        if (r.Strict && warnings.Count > 0)
        {
            Console.Error.WriteLine($"nativeseg: {TerminalText.Sanitize(input)}: {string.Join("; ", warnings)} (--strict: nothing written).");
            return ExitCodes.ImplausibleResult;
        }
        SeriesSegmentation.Write(segmented, files, r.SplitLeftRight, tool);
        outputs.Commit();
        foreach (string warning in warnings)
            Console.Error.WriteLine($"warning: {TerminalText.Sanitize(input)}: {warning}");

        string written = string.Join(", ", new[] { r.Output, r.DicomSeg, r.RtStruct, r.Statistics }.OfType<string>());
        var s = segmented.Result.Summary;
        if (r.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                input, output = r.Output, dicomSeg = r.DicomSeg, rtStruct = r.RtStruct, statistics = r.Statistics, weights = weightsPath, slices = s.Slices,
                lungVolumeMl = Math.Round(s.TotalVolumeMl, 1), rightLungVolumeMl = Math.Round(s.RightVolumeMl, 1),
                leftLungVolumeMl = Math.Round(s.LeftVolumeMl, 1), meanLungHu = Math.Round(s.MeanHu, 1),
                seconds = Math.Round(s.Seconds, 2), device = s.Device, warnings,
                stageSeconds = new
                {
                    preprocessing = Math.Round(s.Stages.Preprocessing, 2), network = Math.Round(s.Stages.Network, 2),
                    postprocessing = Math.Round(s.Stages.Postprocessing, 2),
                },
                networkSlices = s.NetworkSlices,
            }, new JsonSerializerOptions { WriteIndented = true }));
        }
        else if (chatty)
        {
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"wrote {written}"));
            Console.WriteLine(string.Create(c, $"  lungs        {s.TotalVolumeMl,8:F0} mL  (right {s.RightVolumeMl:F0} mL, left {s.LeftVolumeMl:F0} mL)"));
            Console.WriteLine(string.Create(c, $"  mean HU      {s.MeanHu,8:F0}"));
            Console.WriteLine(string.Create(c, $"  slices       {s.Slices,8}"));
            Console.WriteLine(string.Create(c, $"  time         {s.Seconds,8:F1} s on {s.Device}"));
            if (r.Verbose)
                Console.WriteLine(string.Create(c, $"               {s.Stages.Preprocessing:F1} s preprocessing, {s.Stages.Network:F1} s network ({s.NetworkSlices} of {s.Slices} slices, {s.Stages.Network / Math.Max(s.NetworkSlices, 1) * 1e3:F0} ms/slice), {s.Stages.Postprocessing:F1} s post-processing"));
        }
        return ExitCodes.Success;
    }

    internal static bool IsCsv(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    internal static void CheckStatisticsPath(string? path, bool allowJson)
    {
        if (path is null) return;
        bool json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (IsCsv(path) || (json && allowJson)) return;
        throw new UsageException(allowJson
            ? $"--statistics {path}: the statistics file must end in .json or .csv."
            : $"--statistics {path}: a batch writes its statistics as one CSV; the file must end in .csv.");
    }
}
