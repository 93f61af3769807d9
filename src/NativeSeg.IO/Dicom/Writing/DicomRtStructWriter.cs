using System.Globalization;
using System.Text;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// Writes a label volume on a DICOM series' grid as an RT Structure Set (PS3.3 A.19, SOP class
/// 1.2.840.10008.5.1.4.1.1.481.3) for radiotherapy planning systems, which read contours, not SEG: one ROI per segment
/// (ROIGenerationAlgorithm AUTOMATIC, interpreted type ORGAN), and per source slice the closed planar outlines of
/// that segment's pixels along pixel edges (<see cref="PixelContours"/>; holes are nested contours, filled by the
/// even-odd rule), each referencing its source image. Vertices are written to 0.01 mm. Patient and study come from
/// the source; the frame of reference, study, series and every slice are referenced. Part 10 in explicit VR little
/// endian, like <see cref="DicomSegmentationWriter"/> — unless one contour's ContourData outgrows the 65,534 bytes
/// explicit VR's 16-bit length allows a DS value (about 2,700 vertices), when the file is written in implicit VR
/// little endian, whose lengths are 32-bit (the default transfer syntax every DICOM reader supports).
/// </summary>
public static class DicomRtStructWriter
{
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.481.3";

    /// <summary>The SOP class an RT Referenced Study item names (Detached Study Management, as PS3.3 C.8.8.5 asks).</summary>
    private const string StudyReferenceClassUid = "1.2.840.10008.3.1.2.3.1";

    public static DicomRtStructResult Write(string path, DicomSeriesSource source, Volume<byte> labels,
        IReadOnlyList<SegmentDefinition> segments, SegmentationAlgorithm algorithm, DicomSegmentationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (bytes, result) = Encode(source, labels, segments, algorithm, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
        return result;
    }

    public static (byte[] Bytes, DicomRtStructResult Result) Encode(DicomSeriesSource source, Volume<byte> labels,
        IReadOnlyList<SegmentDefinition> segments, SegmentationAlgorithm algorithm, DicomSegmentationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(algorithm);
        options ??= new DicomSegmentationOptions();
        DicomSegmentationWriter.CheckArguments(source, labels, segments);
        var header = source.Header;
        string frameOfReference = header.GetString(SegTags.FrameOfReferenceUid) ?? "";
        string study = header.GetString(DicomTags.StudyInstanceUid) ?? "";
        if (frameOfReference.Length == 0)
            throw new InvalidInputException(header.Path, "the series has no FrameOfReferenceUID (0020,0052), which an RT Structure Set needs to place its contours");
        if (study.Length == 0)
            throw new InvalidInputException(header.Path, "the series has no StudyInstanceUID (0020,000D), so an RT Structure Set cannot join its study");

        string seriesUid = options.SeriesInstanceUid ?? DicomUids.Create();
        string instanceUid = options.SopInstanceUid ?? DicomUids.Create();
        var now = options.CreationTime ?? DateTime.Now;
        string date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture), time = now.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);

        var ds = new DicomOutputDataset();
        DicomSegmentationWriter.CopySourceModules(ds, header); // with the Frame of Reference module, which current RT Structure Sets carry
        ds.Text(DicomTags.Modality, "CS", "RTSTRUCT")
          .Text(DicomTags.SeriesInstanceUid, "UI", seriesUid)
          .Integer(DicomTags.SeriesNumber, options.SeriesNumber + 1)
          .Text(SegTags.SeriesDate, "DA", date)
          .Text(SegTags.SeriesTime, "TM", time)
          .Text(DicomTags.SeriesDescription, "LO", options.SeriesDescription)
          .Text(RtTags.OperatorsName, "PN", "")
          .Text(SegTags.Manufacturer, "LO", algorithm.Name)
          .Text(SegTags.ManufacturerModelName, "LO", $"{algorithm.Name} lung segmentation")
          .Text(SegTags.SoftwareVersions, "LO", algorithm.Version)
          .Integer(DicomTags.InstanceNumber, 1)
          .Text(RtTags.StructureSetLabel, "SH", DicomSegmentationWriter.Truncate(options.ContentLabel, 16))
          .Text(RtTags.StructureSetName, "LO", options.ContentDescription)
          .Text(RtTags.StructureSetDate, "DA", date)
          .Text(RtTags.StructureSetTime, "TM", time);

        var contourImages = source.Images.Select(ImageReference);
        var referencedSeries = new DicomOutputDataset()
            .Text(DicomTags.SeriesInstanceUid, "UI", source.SeriesInstanceUid)
            .Sequence(RtTags.ContourImageSequence, contourImages);
        var referencedStudy = new DicomOutputDataset()
            .Text(SegTags.ReferencedSopClassUid, "UI", StudyReferenceClassUid)
            .Text(SegTags.ReferencedSopInstanceUid, "UI", study)
            .Sequence(RtTags.RtReferencedSeriesSequence, referencedSeries);
        ds.Sequence(RtTags.ReferencedFrameOfReferenceSequence, new DicomOutputDataset()
            .Text(SegTags.FrameOfReferenceUid, "UI", frameOfReference)
            .Sequence(RtTags.RtReferencedStudySequence, referencedStudy));

        var rois = new List<DicomOutputDataset>();
        var roiContours = new List<DicomOutputDataset>();
        var observations = new List<DicomOutputDataset>();
        int totalContours = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            int number = s + 1;
            rois.Add(new DicomOutputDataset()
                .Integer(RtTags.RoiNumber, number)
                .Text(RtTags.ReferencedFrameOfReferenceUid, "UI", frameOfReference)
                .Text(RtTags.RoiName, "LO", segment.Label)
                .Text(RtTags.RoiGenerationAlgorithm, "CS", "AUTOMATIC")
                .Text(RtTags.RoiGenerationDescription, "LO", DicomSegmentationWriter.Truncate($"{algorithm.Name} {algorithm.Version}; weights sha256 {algorithm.WeightsSha256}", 64)));
            var contours = Contours(source, labels, segment.LabelValue);
            totalContours += contours.Count;
            var roiContour = new DicomOutputDataset()
                .Text(RtTags.RoiDisplayColor, "IS", segment.LabelValue == 2 ? ["241", "214", "145"] : ["128", "174", "128"])
                .Integer(RtTags.ReferencedRoiNumber, number);
            if (contours.Count > 0) roiContour.Sequence(RtTags.ContourSequence, contours);
            roiContours.Add(roiContour);
            observations.Add(new DicomOutputDataset()
                .Integer(RtTags.ObservationNumber, number)
                .Integer(RtTags.ReferencedRoiNumber, number)
                .Text(RtTags.RtRoiInterpretedType, "CS", "ORGAN")
                .Text(RtTags.RoiInterpreter, "PN", ""));
        }
        ds.Sequence(RtTags.StructureSetRoiSequence, rois)
          .Sequence(RtTags.RoiContourSequence, roiContours)
          .Sequence(RtTags.RtRoiObservationsSequence, observations)
          .Text(DicomTags.SopClassUid, "UI", SopClassUid)
          .Text(DicomTags.SopInstanceUid, "UI", instanceUid)
          .Text(SegTags.InstanceCreationDate, "DA", date)
          .Text(SegTags.InstanceCreationTime, "TM", time);

        bool implicitVr = ds.NeedsImplicitVr;
        using var output = new MemoryStream();
        DicomSegmentationWriter.WritePart10(output, ds, SopClassUid, instanceUid, explicitVr: !implicitVr);
        return (output.ToArray(), new DicomRtStructResult(seriesUid, instanceUid, totalContours, implicitVr));
    }

    private static DicomOutputDataset ImageReference(DicomSourceImage image)
    {
        var item = new DicomOutputDataset()
            .Text(SegTags.ReferencedSopClassUid, "UI", image.SopClassUid)
            .Text(SegTags.ReferencedSopInstanceUid, "UI", image.SopInstanceUid);
        if (image.FrameNumber is { } frame) item.Integer(SegTags.ReferencedFrameNumber, frame);
        return item;
    }

    /// <summary>Every outline of the label on every slice, as Contour Sequence items in patient coordinates (LPS mm).</summary>
    private static List<DicomOutputDataset> Contours(DicomSeriesSource source, Volume<byte> labels, byte value)
    {
        var grid = labels.Grid;
        var row = source.Orientation.Take(3).ToArray();
        var column = source.Orientation.Skip(3).Take(3).ToArray();
        var mask = new bool[grid.SliceLength];
        var items = new List<DicomOutputDataset>();
        for (int z = 0; z < grid.SizeZ; z++)
        {
            var slice = labels.Slice(z);
            bool any = false;
            for (int i = 0; i < mask.Length; i++) any |= mask[i] = slice[i] == value;
            if (!any) continue;
            var image = source.Images[z];
            var origin = image.Position;
            foreach (var loop in PixelContours.Trace(mask, grid.SizeX, grid.SizeY))
            {
                var text = new StringBuilder(loop.Length * 24);
                foreach (var (c, r) in loop)
                {
                    // Corner (c, r) lies half a pixel before the centre of pixel (c, r).
                    double i = c - 0.5, j = r - 0.5;
                    for (int axis = 0; axis < 3; axis++)
                    {
                        double v = origin[axis] + i * source.ColumnSpacing * row[axis] + j * source.RowSpacing * column[axis];
                        if (text.Length > 0) text.Append('\\');
                        text.Append(Coordinate(v));
                    }
                }
                items.Add(new DicomOutputDataset()
                    .Sequence(RtTags.ContourImageSequence, ImageReference(image))
                    .Text(RtTags.ContourGeometricType, "CS", "CLOSED_PLANAR")
                    .Integer(RtTags.NumberOfContourPoints, loop.Length)
                    .Integer(RtTags.ContourNumber, items.Count + 1)
                    .Raw(RtTags.ContourData, "DS", Encoding.ASCII.GetBytes(text.ToString())));
            }
        }
        return items;
    }

    /// <summary>A coordinate to 0.01 mm, without trailing zeros or a negative zero.</summary>
    private static string Coordinate(double value)
    {
        string text = Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }
}
