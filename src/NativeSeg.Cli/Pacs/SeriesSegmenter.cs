using System.Globalization;
using NativeSeg.Cli.Segmentation;
using NativeSeg.Engine;
using NativeSeg.IO;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// What the worker does with one downloaded series, the same as <c>segment SERIES --labels lr -o lungs.dcm
/// --statistics s.json</c>: read it (<see cref="CtInput"/>), run the pipeline (<see cref="SeriesSegmentation"/>),
/// encode the DICOM-SEG with right and left lung segments (<see cref="DicomSegmentationWriter"/>) and the
/// statistics report. The network is loaded on first use and kept for the worker's life.
/// </summary>
public sealed class SeriesSegmenter(string weightsPath, string device, int batchSize) : IDisposable
{
    private readonly IBackend _backend = Backends.Create(device); // now, so a missing GPU stops the worker before it claims anything
    private Segmenter? _segmenter;
    private ToolIdentity? _tool;

    /// <summary>
    /// Segments the series <paramref name="seriesInstanceUid"/> downloaded to <paramref name="folder"/>;
    /// <paramref name="source"/> names it in the statistics (its Orthanc address). Input the reader or the pipeline
    /// refuses (corrupt, not CT, no lung found) throws <see cref="InvalidInputException"/>.
    /// </summary>
    public PacsSegmentation Run(string folder, string seriesInstanceUid, string source, CancellationToken cancellation)
    {
        var input = CtInput.Read(folder, seriesInstanceUid, allowNonCt: false);
        _segmenter ??= Segmenter.Load(weightsPath, _backend);
        _tool ??= ToolIdentity.Of(weightsPath, _segmenter.Metadata);
        var segmented = SeriesSegmentation.Run(new LungSegmentationPipeline(_segmenter), input, batchSize, postprocess: true,
            keepProbabilities: false, null, cancellation);
        var (dicom, written) = DicomSegmentationWriter.Encode(input.Dicom!, segmented.RightLeft, SegmentDefinition.RightAndLeftLung, _tool.Algorithm);
        var report = StatisticsReport.Create(input, _tool, segmented.Statistics) with { Input = source };
        var s = segmented.Result.Summary;
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"lungs {s.TotalVolumeMl:F0} mL (right {s.RightVolumeMl:F0}, left {s.LeftVolumeMl:F0}), {s.Slices} slices in {s.Seconds:F1} s on {s.Device}");
        return new PacsSegmentation(dicom, written.SopInstanceUid, report.ToJson(), summary);
    }

    public void Dispose()
    {
        _segmenter?.Dispose();
        _backend.Dispose();
    }
}

/// <summary>A series' DICOM-SEG (a whole Part 10 file), its SOP Instance UID, the statistics (JSON) and a one-line summary.</summary>
public sealed record PacsSegmentation(byte[] Dicom, string SopInstanceUid, string StatisticsJson, string Summary);
