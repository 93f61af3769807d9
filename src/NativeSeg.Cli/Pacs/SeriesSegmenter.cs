using System.Globalization;
using NativeSeg.Engine;
using NativeSeg.IO;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// What the worker does with one downloaded series: read it (as <c>segment</c> does), run the same pipeline, and
/// encode the DICOM-SEG and the statistics. The network is loaded on first use and kept for the worker's life.
/// </summary>
public sealed class SeriesSegmenter(string weightsPath, string device, int batchSize) : IDisposable
{
    private IBackend? _backend;
    private Segmenter? _segmenter;

    /// <summary>
    /// Segments the series <paramref name="seriesInstanceUid"/> in <paramref name="folder"/>. Input the reader or
    /// the pipeline refuses (corrupt, not CT, no lung found) throws <see cref="InvalidInputException"/>.
    /// </summary>
    public SeriesSegmentation Run(string folder, string seriesInstanceUid, CancellationToken cancellation)
    {
        var ct = CtReader.Read(folder, seriesInstanceUid);
        _backend ??= Backends.Create(device);
        _segmenter ??= Segmenter.Load(weightsPath, _backend);
        var result = new LungSegmentationPipeline(_segmenter).Run(ct, folder,
            new SegmentationOptions { BatchSize = batchSize, SplitLeftRight = true }, null, cancellation);
        var s = result.Summary;
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"lungs {s.TotalVolumeMl:F0} mL (right {s.RightVolumeMl:F0}, left {s.LeftVolumeMl:F0}), {s.Slices} slices in {s.Seconds:F1} s on {s.Device}");
        throw new NotSupportedException($"DICOM-SEG encoding is not plugged in yet ({summary})");
    }

    public void Dispose()
    {
        _segmenter?.Dispose();
        _backend?.Dispose();
    }
}

/// <summary>A series' DICOM-SEG (a whole Part 10 file), its SOP Instance UID, the statistics (JSON) and a one-line summary.</summary>
public sealed record SeriesSegmentation(byte[] Dicom, string SopInstanceUid, string StatisticsJson, string Summary);
