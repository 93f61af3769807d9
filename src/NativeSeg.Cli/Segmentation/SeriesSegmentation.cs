using NativeSeg.IO.Dicom.Writing;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Processing;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Segmentation;

/// <summary>One segmented CT: the pipeline's result with right (1) and left (2) lung, and its statistics.</summary>
public sealed record SegmentedSeries(CtInput Input, SegmentationResult Result, IReadOnlyList<LabelStatistics> Statistics)
{
    public Volume<byte> RightLeft => Result.Mask;

    /// <summary>The mask as written: right 1 and left 2 with <c>--labels lr</c>, else both lungs 1.</summary>
    public Volume<byte> OutputMask(bool splitLeftRight)
    {
        if (splitLeftRight) return RightLeft;
        var binary = new Volume<byte>(RightLeft.Grid);
        var source = RightLeft.Voxels;
        for (int i = 0; i < source.Length; i++) binary.Voxels[i] = source[i] != 0 ? (byte)1 : (byte)0;
        return binary;
    }
}

/// <summary>The files one series is written to (temporary paths from an <see cref="Outputs.OutputSet"/>; null: not asked for).</summary>
public sealed record SeriesOutputFiles(
    string? Nifti = null,
    string? DicomSeg = null,
    string? Probabilities = null,
    string? Preview = null,
    string? StatisticsJson = null,
    string? StatisticsCsv = null);

/// <summary>Segments one CT and writes what was asked for; shared by single runs and batches.</summary>
public static class SeriesSegmentation
{
    public static SegmentedSeries Run(LungSegmentationPipeline pipeline, CtInput input, int batchSize, bool postprocess,
        Action<int, int>? progress, CancellationToken cancellation)
    {
        // Always split: the statistics need right and left; the written mask is made binary unless --labels lr.
        var result = pipeline.Run(input.Ct, input.Source,
            new SegmentationOptions { BatchSize = batchSize, Postprocess = postprocess, SplitLeftRight = true }, progress, cancellation);
        cancellation.ThrowIfCancellationRequested();
        return new SegmentedSeries(input, result, LungStatistics.Compute(input.Ct, result.Mask));
    }

    public static void Write(SegmentedSeries series, SeriesOutputFiles files, bool splitLeftRight, ToolIdentity tool)
    {
        var mask = series.OutputMask(splitLeftRight);
        if (files.Nifti is not null) NiftiWriter.Write(files.Nifti, mask);
        if (files.DicomSeg is not null)
        {
            var source = series.Input.Dicom
                ?? throw new InvalidOperationException("A DICOM-SEG needs a DICOM input; the command checks this before segmenting.");
            var segments = splitLeftRight ? SegmentDefinition.RightAndLeftLung : SegmentDefinition.BothLungs;
            DicomSegmentationWriter.Write(files.DicomSeg, source, mask, segments, tool.Algorithm);
        }
        if (files.Probabilities is not null) NiftiWriter.Write(files.Probabilities, series.Result.Probabilities);
        if (files.Preview is not null) SegmentationPreview.Write(files.Preview, series.Input.Ct, mask);
        var report = StatisticsReport.Create(series.Input, tool, series.Statistics);
        if (files.StatisticsJson is not null) File.WriteAllText(files.StatisticsJson, report.ToJson());
        if (files.StatisticsCsv is not null) File.WriteAllText(files.StatisticsCsv, StatisticsReport.ToCsv([report]));
    }

    /// <summary>True for a path that names a DICOM-SEG output (.dcm).</summary>
    public static bool IsDicomPath(string path) => path.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase);

    public static bool IsNiftiPath(string path) =>
        path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase);
}
