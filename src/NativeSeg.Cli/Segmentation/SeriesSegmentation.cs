using NativeSeg.Imaging.Geometry;
using NativeSeg.Imaging.Statistics;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Segmentation;

/// <summary>Segments one CT and writes what was asked for; shared by single runs and batches.</summary>
public static class SeriesSegmentation
{
    public static SegmentedSeries Run(LungSegmentationPipeline pipeline, CtInput input, int? batchSize, bool postprocess,
        bool keepProbabilities, Action<int, int>? progress, CancellationToken cancellation, bool allSlices = false, float? threshold = null,
        double minAeratedShare = SegmentationOptions.DefaultMinAeratedShare)
    {
        // Always split: the statistics need right and left; the written mask is made binary unless --labels lr.
        var options = new SegmentationOptions
        {
            BatchSize = batchSize, Postprocess = postprocess, SplitLeftRight = true, KeepProbabilities = keepProbabilities,
            StopAtLungEnds = !allSlices, Threshold = threshold, MinAeratedShare = minAeratedShare,
        };
        var result = pipeline.Run(input.Ct, input.Source, options, progress, cancellation);
        cancellation.ThrowIfCancellationRequested();
        return new SegmentedSeries(input, result, LungStatistics.Compute(input.Ct, result.Mask));
    }

    public static void Write(SegmentedSeries series, SeriesOutputFiles files, bool splitLeftRight, ToolIdentity tool)
    {
        var mask = series.OutputMask(splitLeftRight);
        if (files.Nifti is not null) NiftiWriter.Write(files.Nifti, mask);
        if (files.DicomSeg is not null || files.RtStruct is not null)
        {
            var source = series.Input.Dicom
                ?? throw new InvalidOperationException("DICOM outputs need a DICOM input; the command checks this before segmenting.");
            var segments = splitLeftRight ? SegmentDefinition.RightAndLeftLung : SegmentDefinition.BothLungs;
            if (files.DicomSeg is not null) DicomSegmentationWriter.Write(files.DicomSeg, source, mask, segments, tool.Algorithm);
            if (files.RtStruct is not null) DicomRtStructWriter.Write(files.RtStruct, source, mask, segments, tool.Algorithm);
        }
        if (files.Probabilities is not null)
            NiftiWriter.Write(files.Probabilities, series.Result.Probabilities
                ?? throw new InvalidOperationException("--probabilities needs the map: the command keeps it when the option is given."));
        if (files.Preview is not null)
        {
            // The preview's axial and coronal views need the axial order whatever the input's.
            var display = AxialReorientation.For(series.Input.Ct.Grid, series.Input.Source);
            SegmentationPreview.Write(files.Preview, display.ToAxial(series.Input.Ct), display.ToAxial(mask));
        }
        var report = StatisticsReport.Create(series.Input, tool, series.Statistics);
        if (files.StatisticsJson is not null) File.WriteAllText(files.StatisticsJson, report.ToJson());
        if (files.StatisticsCsv is not null) File.WriteAllText(files.StatisticsCsv, StatisticsReport.ToCsv([report]));
    }

    /// <summary>True for a path that names a DICOM-SEG output (.dcm).</summary>
    public static bool IsDicomPath(string path) => path.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase);

    public static bool IsNiftiPath(string path) =>
        path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase);
}
