using System.Diagnostics;
using System.Globalization;
using System.Text;
using NativeSeg.Cli.Commands;
using NativeSeg.Cli.Devices;
using NativeSeg.Cli.Outputs;
using NativeSeg.Engine;
using NativeSeg.IO;
using NativeSeg.IO.Dicom;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Segmentation;

/// <summary>
/// <c>segment INPUT... [--list FILE] --output-folder DIR</c>: every NIfTI file and every CT series of every DICOM
/// file or folder (scanned recursively; a file whose header cannot be read is a failure of its own) is segmented
/// into DIR as <c>{stem}_lungs.nii.gz</c>, <c>{stem}_lungs.dcm</c> (DICOM-SEG) and/or <c>{stem}_lungs_rtstruct.dcm</c>, with <c>{stem}_statistics.json</c> (see
/// <see cref="BatchJob"/> for the stem). Each series is all-or-nothing (<see cref="OutputSet"/>); a series whose
/// outputs all exist, made by the same weights (SHA-256) at the same threshold, is skipped, so a re-run finishes what
/// an interrupted or failed run left; with other weights or another threshold its outputs are made again and replaced. One status line per
/// series on stdout, a summary CSV at the end (DIR/summary.csv, or --summary), exit 0 when none failed and
/// <see cref="ExitCodes.BatchFailures"/> when any did. A failing series never stops the others.
/// </summary>
public static class BatchSegmentation
{
    public const string SummaryCsvHeader =
        "input,patient_id,study_instance_uid,series_instance_uid,status,reason,nifti,dicom_seg,rtstruct,statistics,lung_ml,right_ml,left_ml,mean_hu,seconds,warnings";

    private sealed record Outcome(BatchJob Job, string Status, string? Reason, string? Nifti, string? DicomSeg, string? RtStruct, string? Statistics,
        StatisticsReport? Report, double? Seconds, IReadOnlyList<string> Warnings);

    public static int Run(SegmentCommand.Request r, CancellationToken cancellation)
    {
        if (r.OutputFolder is null) throw new UsageException("--list needs --output-folder DIR: a batch writes one output per series into a folder.");
        foreach (var (value, option) in new[] { (r.Output, "--output"), (r.DicomSeg, "--dicom-seg"), (r.RtStruct, "--rtstruct"), (r.Probabilities, "--probabilities"), (r.Preview, "--preview"), (r.Series, "--series") })
            if (value is not null) throw new UsageException($"{option} names one series' output; a batch (--output-folder) names its outputs by pattern.");
        if (r.Json) throw new UsageException("--json prints one series' summary; a batch writes its summary CSV (--summary).");
        var formats = ParseFormat(r.OutputFormat);
        SegmentCommand.CheckStatisticsPath(r.Statistics, allowJson: false);
        if (r.Summary is not null && !SegmentCommand.IsCsv(r.Summary))
            throw new UsageException($"--summary {r.Summary}: the summary is a CSV file; the name must end in .csv.");
        var inputs = r.Inputs.Concat(r.List is null ? [] : ReadList(r.List)).ToList();
        if (inputs.Count == 0) throw new UsageException("the batch has no inputs: give DICOM folders or files, NIfTI files, or --list FILE.");

        string folder = r.OutputFolder;
        if (File.Exists(folder)) throw new UsageException($"--output-folder {folder}: this is a file; give a folder.");
        string weightsPath = WeightsLocator.Resolve(r.Weights);
        // The batch's own files are checked (and the inputs protected) before any work, like every output.
        using var batchOutputs = new OutputSet().Read(weightsPath);
        foreach (string input in inputs) batchOutputs.Read(input);
        // Refuses a folder inside an input folder, checks it (or its parent) is writable; created here if new.
        batchOutputs.FolderInPlace(folder, "--output-folder");
        Directory.CreateDirectory(folder);
        string summaryPath = r.Summary ?? Path.Combine(folder, "summary.csv");
        string summaryFile = batchOutputs.File(summaryPath, "--summary");
        string? statisticsFile = batchOutputs.OptionalFile(r.Statistics, "--statistics");
        string device = AutoDevice.Resolve(r.Device, r.Quiet);

        var jobs = Plan(inputs, r.AllowNonCt);
        void Say(string line) { if (!r.Quiet) Console.WriteLine(line); }
        int planned = jobs.Count(j => j.IgnoredReason is null);
        Say($"batch: {planned} series from {inputs.Count} input(s) into {folder}");

        using var backend = Backends.Create(device);
        using var segmenter = Segmenter.Load(weightsPath, backend);
        var tool = ToolIdentity.Of(weightsPath, segmenter.Metadata, r.Threshold, r.AeratedShare);
        var pipeline = new LungSegmentationPipeline(segmenter);

        var outcomes = new List<Outcome>();
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var job in jobs)
        {
            cancellation.ThrowIfCancellationRequested();
            if (job.IgnoredReason is not null)
            {
                outcomes.Add(new Outcome(job, "ignored", job.IgnoredReason, null, null, null, null, null, null, []));
                Say($"[-/{planned}] ignored  {Describe(job)}: {job.IgnoredReason}");
                continue;
            }
            index++;
            var outcome = RunJob(job, folder, formats, stems, weightsPath, pipeline, tool, r, cancellation);
            outcomes.Add(outcome);
            Say(StatusLine(index, planned, outcome));
        }

        File.WriteAllText(summaryFile, SummaryCsv(outcomes));
        if (statisticsFile is not null)
            File.WriteAllText(statisticsFile, StatisticsReport.ToCsv(outcomes.Select(o => o.Report).OfType<StatisticsReport>()));
        batchOutputs.Commit();
        int failed = outcomes.Count(o => o.Status == "failed");
        Say($"{planned} series: {outcomes.Count(o => o.Status == "ok")} segmented, {outcomes.Count(o => o.Status == "skipped")} skipped (finished before), {failed} failed; summary {summaryPath}");
        return failed == 0 ? ExitCodes.Success : ExitCodes.BatchFailures;
    }

    /// <summary>Which outputs each series gets.</summary>
    private sealed record Formats(bool Nifti, bool DicomSeg, bool RtStruct)
    {
        public bool NeedsDicom => DicomSeg || RtStruct;
    }

    private static Formats ParseFormat(string format)
    {
        var parts = format.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => p.ToLowerInvariant()).ToHashSet();
        if (parts.Count == 0 || parts.Any(p => p is not ("nii.gz" or "dcm" or "rtstruct")))
            throw new UsageException($"--output-format takes nii.gz, dcm and rtstruct, comma-separated (nii.gz,dcm); got '{format}'.");
        return new Formats(parts.Contains("nii.gz"), parts.Contains("dcm"), parts.Contains("rtstruct"));
    }

    /// <summary>The inputs a list file names: one per line, blank lines and lines starting with # skipped, relative paths from the list's folder.</summary>
    private static IEnumerable<string> ReadList(string listPath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(listPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(listPath, $"cannot read the list: {e.Message}", e);
        }
        string baseFolder = Path.GetDirectoryName(Path.GetFullPath(listPath)) ?? ".";
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            yield return Path.IsPathRooted(line) ? line : Path.Combine(baseFolder, line);
        }
    }

    /// <summary>Every series of every input, in input order (a folder's series by SeriesInstanceUID), and what could not be planned.</summary>
    private static List<BatchJob> Plan(IEnumerable<string> inputs, bool allowNonCt)
    {
        var jobs = new List<BatchJob>();
        foreach (string input in inputs)
        {
            try
            {
                if (Directory.Exists(input))
                {
                    var scan = DicomSeriesReader.Scan(input, skipUnreadable: true);
                    foreach (var unreadable in scan.UnreadableFiles)
                        jobs.Add(BatchJob.Failed(unreadable.Path, unreadable.Reason));
                    if (scan.Series.Count == 0 && scan.UnreadableFiles.Count == 0)
                        jobs.Add(BatchJob.Failed(input, $"no DICOM image series found ({scan.NonDicomFileCount} non-DICOM file(s), {scan.NonImageDicomFileCount} DICOM file(s) without an image)"));
                    foreach (var series in scan.Series.OrderBy(s => s.SeriesInstanceUid, StringComparer.Ordinal))
                        jobs.Add(BatchJob.ForSeries(input, series, allowNonCt));
                }
                else if (File.Exists(input))
                {
                    if (CtReader.IsNifti(input))
                    {
                        jobs.Add(BatchJob.ForNifti(input));
                        continue;
                    }
                    var single = DicomSeriesReader.Scan(Path.GetDirectoryName(Path.GetFullPath(input)) ?? ".", skipUnreadable: true);
                    string full = Path.GetFullPath(input);
                    var series = single.Series.FirstOrDefault(s => s.Files.Any(f => Path.GetFullPath(f) == full));
                    if (series is null)
                    {
                        var reason = single.UnreadableFiles.FirstOrDefault(u => Path.GetFullPath(u.Path) == full)?.Reason ?? "not a DICOM image or NIfTI file";
                        jobs.Add(BatchJob.Failed(input, reason));
                        continue;
                    }
                    // A lone DICOM file is its own series, whatever else shares its folder.
                    jobs.Add(BatchJob.ForSeries(input, series with { Files = [input], ImageCount = 1 }, allowNonCt));
                }
                else
                {
                    jobs.Add(BatchJob.Failed(input, "no such file or folder"));
                }
            }
            catch (InvalidInputException e)
            {
                jobs.Add(BatchJob.Failed(e.Path, e.Reason));
            }
        }
        return jobs;
    }

    private static Outcome RunJob(BatchJob job, string folder, Formats formats, Dictionary<string, string> stems,
        string weightsPath, LungSegmentationPipeline pipeline, ToolIdentity tool, SegmentCommand.Request r, CancellationToken cancellation)
    {
        if (job.PlanningError is not null) return Failed(job, job.PlanningError);
        if (formats.NeedsDicom && job.IsNifti)
            return Failed(job, "a NIfTI input has no DICOM instances for a DICOM Segmentation or RT Structure Set to reference (--output-format nii.gz writes its mask)");
        if (stems.TryGetValue(job.Stem, out var first))
            return Failed(job, $"its output name {job.Stem} is already taken by {first} in this batch (the same series given twice?)");
        stems[job.Stem] = job.Input;

        string? niftiPath = formats.Nifti ? Path.Combine(folder, job.Stem + "_lungs.nii.gz") : null;
        string? segPath = formats.DicomSeg ? Path.Combine(folder, job.Stem + "_lungs.dcm") : null;
        string? rtStructPath = formats.RtStruct ? Path.Combine(folder, job.Stem + "_lungs_rtstruct.dcm") : null;
        string statisticsPath = Path.Combine(folder, job.Stem + "_statistics.json");
        string? replaced = null;
        if (new[] { niftiPath, segPath, rtStructPath, statisticsPath }.OfType<string>().All(File.Exists))
        {
            try
            {
                var earlier = StatisticsReport.ReadJson(statisticsPath);
                // Finished means finished by these weights at this threshold and guard; a re-run with other ones (a new
                // model, --threshold, --min-aerated-share) is asked for new masks, and gets them in place of the old. A
                // report from before the guard existed (no share recorded) was made without it.
                if (earlier.WeightsSha256 == tool.WeightsSha256 && earlier.Threshold == tool.Threshold
                    && (earlier.MinAeratedShare ?? 0) == tool.MinAeratedShare)
                    return new Outcome(job, "skipped", "outputs exist", niftiPath, segPath, rtStructPath, statisticsPath, earlier, null, []);
                string guard = earlier.MinAeratedShare is > 0 ? $", aerated-lung guard {earlier.MinAeratedShare.Value.ToString(CultureInfo.InvariantCulture)}" : "";
                replaced = string.Create(CultureInfo.InvariantCulture,
                    $"replaced the outputs of {earlier.WeightsName} ({Short(earlier.WeightsSha256)}) at threshold {earlier.Threshold?.ToString(CultureInfo.InvariantCulture) ?? "unrecorded"}{guard}");
            }
            catch (InvalidInputException)
            {
                // An unreadable statistics file is not a finished series: segment it again.
            }
        }

        var clock = Stopwatch.StartNew();
        try
        {
            using var outputs = new OutputSet().Read(job.Input).Read(weightsPath);
            foreach (string file in job.Series?.Files ?? []) outputs.Read(file);
            var files = new SeriesOutputFiles(
                Nifti: niftiPath is null ? null : outputs.File(niftiPath, "--output-folder"),
                DicomSeg: segPath is null ? null : outputs.File(segPath, "--output-folder"),
                RtStruct: rtStructPath is null ? null : outputs.File(rtStructPath, "--output-folder"),
                StatisticsJson: outputs.File(statisticsPath, "--output-folder"));
            var input = job.Series is { } series ? CtInput.Read(series, job.Input, r.AllowNonCt) : CtInput.Read(job.Input, null, r.AllowNonCt);
            var segmented = SeriesSegmentation.Run(pipeline, input, r.BatchSize, r.Postprocess, r.Probabilities is not null, new ConsoleProgress("segmenting", r.Quiet).Report, cancellation, r.AllSlices, r.Threshold,
                r.AeratedShare);
            var warnings = LungPlausibility.Judge(segmented.Result.Summary.TotalVolumeMl, input.Geometry.NetworkGrid);
            if (r.Strict && warnings.Count > 0)
                return Failed(job, string.Join("; ", warnings) + " (--strict: nothing written)");
            SeriesSegmentation.Write(segmented, files, r.SplitLeftRight, tool);
            outputs.Commit();
            var report = StatisticsReport.Create(input, tool, segmented.Statistics);
            return new Outcome(job with { PatientId = input.PatientId ?? job.PatientId, StudyInstanceUid = input.StudyInstanceUid ?? job.StudyInstanceUid },
                "ok", replaced, niftiPath, segPath, rtStructPath, statisticsPath, report, clock.Elapsed.TotalSeconds, warnings);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (DeviceUnavailableException)
        {
            throw; // the device is the batch's, not the series': nothing else would run either
        }
        catch (InvalidInputException e)
        {
            return Failed(job, TemporaryNames.ToUserPaths(e.Message));
        }
        catch (Exception e) when (e is UsageException or IOException or UnauthorizedAccessException or ShapeException)
        {
            return Failed(job, TemporaryNames.ToUserPaths(e.Message));
        }
        catch (Exception e)
        {
            // A bug met by one series must not cost the others their results.
            return Failed(job, $"internal error ({e.GetType().Name}): {TemporaryNames.ToUserPaths(e.Message)}");
        }
    }

    private static string Short(string sha256) => sha256.Length > 8 ? sha256[..8] + "…" : sha256;

    private static Outcome Failed(BatchJob job, string reason) => new(job, "failed", InputText.EscapeControlCharacters(reason), null, null, null, null, null, null, []);

    private static string Describe(BatchJob job) =>
        TerminalText.Sanitize(job.SeriesInstanceUid is null ? job.Input : $"{job.Input} series {job.SeriesInstanceUid}");

    private static string StatusLine(int index, int total, Outcome o)
    {
        var c = CultureInfo.InvariantCulture;
        string prefix = $"[{index}/{total}]";
        switch (o.Status)
        {
            case "ok":
            {
                var lung = o.Report!.Labels;
                string warn = o.Warnings.Count > 0 ? $"  warning: {string.Join("; ", o.Warnings)}" : "";
                string replaced = o.Reason is null ? "" : $"  ({TerminalText.Sanitize(o.Reason)})";
                return string.Create(c, $"{prefix} ok       {Describe(o.Job)}  {lung[0].VolumeMl:F0} mL (right {lung[1].VolumeMl:F0}, left {lung[2].VolumeMl:F0})  {o.Seconds:F1} s -> {o.Job.Stem}{replaced}{warn}");
            }
            case "skipped":
                return $"{prefix} skipped  {Describe(o.Job)}: finished before ({o.Job.Stem})";
            default:
                return $"{prefix} FAILED   {Describe(o.Job)}: {TerminalText.Sanitize(o.Reason ?? "")}";
        }
    }

    private static string SummaryCsv(IEnumerable<Outcome> outcomes)
    {
        var text = new StringBuilder(SummaryCsvHeader).Append('\n');
        foreach (var o in outcomes)
        {
            var labels = o.Report?.Labels;
            text.Append(string.Join(",", [
                Csv.Field(o.Job.Input), Csv.Field(o.Job.PatientId), Csv.Field(o.Job.StudyInstanceUid), Csv.Field(o.Job.SeriesInstanceUid),
                o.Status, Csv.Field(o.Reason), Csv.Field(o.Nifti), Csv.Field(o.DicomSeg), Csv.Field(o.RtStruct), Csv.Field(o.Statistics),
                Csv.Number(labels?[0].VolumeMl), Csv.Number(labels?[1].VolumeMl), Csv.Number(labels?[2].VolumeMl), Csv.Number(labels?[0].MeanHu),
                Csv.Number(o.Seconds is { } s ? Math.Round(s, 2) : null), Csv.Field(string.Join("; ", o.Warnings))])).Append('\n');
        }
        return text.ToString();
    }
}
