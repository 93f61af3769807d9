using System.Globalization;
using System.Text;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// Writes a label volume on a DICOM series' grid as a DICOM Segmentation (PS3.3 A.51, SOP class
/// 1.2.840.10008.5.1.4.1.1.66.4): a Part 10 file in explicit VR little endian, BINARY segmentation, one frame per
/// source slice that holds the segment (slices without it, and segments without voxels, are left out), each frame
/// placed by its own Plane Position, referencing its source image (Derivation Image, Source Image Sequence) and its
/// segment (Segment Identification), with the dimensions (segment number, image position) declared. Patient, study
/// and frame of reference attributes are copied from the source series; series, instance and dimension
/// organisation UIDs are new (<see cref="DicomUids"/>). Validated with dicom3tools' dciodvfy, read by pydicom and
/// dcmtk (tests in NativeSeg.IO.Tests); read back by <see cref="DicomSegmentationReader"/>.
/// </summary>
public static class DicomSegmentationWriter
{
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.66.4";

    /// <summary>Encodes the segmentation and writes it atomically to <paramref name="path"/> (see <see cref="AtomicFile"/>).</summary>
    public static DicomSegmentationResult Write(string path, DicomSeriesSource source, Volume<byte> labels,
        IReadOnlyList<SegmentDefinition> segments, SegmentationAlgorithm algorithm, DicomSegmentationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (bytes, result) = Encode(source, labels, segments, algorithm, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
        return result;
    }

    /// <summary>
    /// The Part 10 file's bytes. <paramref name="labels"/> must be on <paramref name="source"/>'s grid (the volume the
    /// series was read into) and hold only 0 and the segments' label values; a source without a FrameOfReferenceUID
    /// is refused (<see cref="InvalidInputException"/>): the frames could not be placed.
    /// </summary>
    public static (byte[] Bytes, DicomSegmentationResult Result) Encode(DicomSeriesSource source, Volume<byte> labels,
        IReadOnlyList<SegmentDefinition> segments, SegmentationAlgorithm algorithm, DicomSegmentationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(algorithm);
        options ??= new DicomSegmentationOptions();
        CheckArguments(source, labels, segments);
        var header = source.Header;
        if (string.IsNullOrEmpty(header.GetString(SegTags.FrameOfReferenceUid)))
            throw new InvalidInputException(header.Path, "the series has no FrameOfReferenceUID (0020,0052), which a DICOM Segmentation needs to place its frames");
        if (string.IsNullOrEmpty(header.GetString(DicomTags.StudyInstanceUid)))
            throw new InvalidInputException(header.Path, "the series has no StudyInstanceUID (0020,000D), so a DICOM Segmentation cannot join its study");

        var frames = PlanFrames(labels, segments);
        if (frames.Count == 0)
            throw new ArgumentException("The label volume holds no voxel of any segment: a DICOM Segmentation needs at least one frame.", nameof(labels));
        var written = segments.Where(s => frames.Any(f => f.Segment == s)).ToList();

        string seriesUid = options.SeriesInstanceUid ?? DicomUids.Create();
        string instanceUid = options.SopInstanceUid ?? DicomUids.Create();
        var now = options.CreationTime ?? DateTime.Now;
        string date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture), time = now.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);

        var ds = new DicomOutputDataset();
        CopySourceModules(ds, header);

        // General Series and Segmentation Series modules.
        ds.Text(DicomTags.Modality, "CS", "SEG")
          .Text(DicomTags.SeriesInstanceUid, "UI", seriesUid)
          .Integer(DicomTags.SeriesNumber, options.SeriesNumber)
          .Text(SegTags.SeriesDate, "DA", date)
          .Text(SegTags.SeriesTime, "TM", time)
          .Text(DicomTags.SeriesDescription, "LO", options.SeriesDescription);

        // General Equipment and Enhanced General Equipment: the software that made the segmentation.
        ds.Text(SegTags.Manufacturer, "LO", algorithm.Name)
          .Text(SegTags.ManufacturerModelName, "LO", $"{algorithm.Name} lung segmentation")
          .Text(SegTags.DeviceSerialNumber, "LO", Truncate(Environment.MachineName, 64))
          .Text(SegTags.SoftwareVersions, "LO", algorithm.Version);

        // General Image, Segmentation Image (with Content Identification), Image Pixel.
        ds.Integer(DicomTags.InstanceNumber, 1)
          .Text(SegTags.ImageType, "CS", "DERIVED", "PRIMARY")
          .Text(SegTags.ContentDate, "DA", date)
          .Text(SegTags.ContentTime, "TM", time)
          .Text(SegTags.ContentLabel, "CS", options.ContentLabel)
          .Text(SegTags.ContentDescription, "LO", options.ContentDescription)
          .Text(SegTags.ContentCreatorName, "PN", options.ContentCreatorName)
          .Text(SegTags.SegmentationType, "CS", "BINARY")
          .Sequence(SegTags.SegmentSequence, written.Select((s, i) => SegmentItem(s, i + 1, algorithm)))
          .UInt16(DicomTags.SamplesPerPixel, 1)
          .Text(DicomTags.PhotometricInterpretation, "CS", "MONOCHROME2")
          .UInt16(DicomTags.Rows, (ushort)labels.Grid.SizeY)
          .UInt16(DicomTags.Columns, (ushort)labels.Grid.SizeX)
          .UInt16(DicomTags.BitsAllocated, 1)
          .UInt16(DicomTags.BitsStored, 1)
          .UInt16(DicomTags.HighBit, 0)
          .UInt16(DicomTags.PixelRepresentation, 0)
          .Text(SegTags.LossyImageCompression, "CS", "00");

        // Multi-frame Functional Groups and Multi-frame Dimension.
        string dimensionUid = DicomUids.Create();
        ds.Integer(DicomTags.NumberOfFrames, frames.Count)
          .Sequence(DicomTags.SharedFunctionalGroupsSequence, SharedGroups(source))
          .Sequence(DicomTags.PerFrameFunctionalGroupsSequence, frames.Select(f => FrameGroups(f, source, written.IndexOf(f.Segment) + 1)))
          .Sequence(SegTags.DimensionOrganizationSequence, new DicomOutputDataset().Text(SegTags.DimensionOrganizationUid, "UI", dimensionUid))
          .Sequence(SegTags.DimensionIndexSequence,
              DimensionIndex(dimensionUid, SegTags.ReferencedSegmentNumber, SegTags.SegmentIdentificationSequence, "Segment Number"),
              DimensionIndex(dimensionUid, DicomTags.ImagePositionPatient, DicomTags.PlanePositionSequence, "Image Position Patient"));

        // Common Instance Reference: every source instance once.
        var instances = source.Images.DistinctBy(i => i.SopInstanceUid).Select(i => new DicomOutputDataset()
            .Text(SegTags.ReferencedSopClassUid, "UI", i.SopClassUid)
            .Text(SegTags.ReferencedSopInstanceUid, "UI", i.SopInstanceUid));
        ds.Sequence(SegTags.ReferencedSeriesSequence, new DicomOutputDataset()
            .Text(DicomTags.SeriesInstanceUid, "UI", source.SeriesInstanceUid)
            .Sequence(SegTags.ReferencedInstanceSequence, instances));

        // SOP Common.
        ds.Text(DicomTags.SopClassUid, "UI", SopClassUid)
          .Text(DicomTags.SopInstanceUid, "UI", instanceUid)
          .Text(SegTags.InstanceCreationDate, "DA", date)
          .Text(SegTags.InstanceCreationTime, "TM", time);

        ds.Raw(DicomTags.PixelData, "OB", PackFrames(labels, frames));

        using var output = new MemoryStream();
        WritePart10(output, ds, SopClassUid, instanceUid);
        var result = new DicomSegmentationResult(seriesUid, instanceUid, frames.Count, [.. Enumerable.Range(1, written.Count)]);
        return (output.ToArray(), result);
    }

    private sealed record Frame(SegmentDefinition Segment, int Slice);

    internal static void CheckArguments(DicomSeriesSource source, Volume<byte> labels, IReadOnlyList<SegmentDefinition> segments)
    {
        if (!labels.Grid.SameGeometry(source.Grid, 1e-3))
            throw new ArgumentException($"The label volume's grid ({labels.Grid}) is not the series' grid ({source.Grid}).", nameof(labels));
        if (labels.Grid.SizeX > ushort.MaxValue || labels.Grid.SizeY > ushort.MaxValue)
            throw new ArgumentException("Rows and Columns must fit 16 bits.", nameof(labels));
        if (segments.Count == 0 || segments.Any(s => s.LabelValue == 0) || segments.Select(s => s.LabelValue).Distinct().Count() != segments.Count)
            throw new ArgumentException("Segments need distinct, non-zero label values.", nameof(segments));
        var known = new bool[256];
        known[0] = true;
        foreach (var s in segments) known[s.LabelValue] = true;
        foreach (byte v in labels.Voxels)
            if (!known[v])
                throw new ArgumentException($"The label volume holds the value {v}, which no segment describes.", nameof(labels));
    }

    /// <summary>Frames in segment order, then slice order; only slices that hold the segment.</summary>
    private static List<Frame> PlanFrames(Volume<byte> labels, IReadOnlyList<SegmentDefinition> segments)
    {
        var frames = new List<Frame>();
        foreach (var segment in segments)
            for (int z = 0; z < labels.Grid.SizeZ; z++)
                if (labels.Slice(z).Contains(segment.LabelValue))
                    frames.Add(new Frame(segment, z));
        return frames;
    }

    /// <summary>
    /// BINARY pixel data (PS3.5 8.1.1, PS3.3 C.8.20.2.1): one bit per pixel, the first pixel in the least significant
    /// bit, frames packed one after another with no padding between them, the whole padded to an even length.
    /// </summary>
    private static byte[] PackFrames(Volume<byte> labels, List<Frame> frames)
    {
        long pixelsPerFrame = labels.Grid.SliceLength;
        long bits = pixelsPerFrame * frames.Count;
        var packed = new byte[checked((int)((bits + 15) / 16 * 2))];
        long bit = 0;
        foreach (var frame in frames)
        {
            var slice = labels.Slice(frame.Slice);
            byte value = frame.Segment.LabelValue;
            for (int i = 0; i < slice.Length; i++, bit++)
                if (slice[i] == value) packed[bit >> 3] |= (byte)(1 << (int)(bit & 7));
        }
        return packed;
    }

    /// <summary>Patient, General Study, Patient Study and Frame of Reference modules, and the character set, as in the source.</summary>
    internal static void CopySourceModules(DicomOutputDataset ds, DicomDataset header, bool frameOfReference = true)
    {
        ds.CopyText(header, SegTags.SpecificCharacterSet, "CS", emptyIfAbsent: false)
          .CopyText(header, SegTags.PatientName, "PN", emptyIfAbsent: true)
          .CopyText(header, SegTags.PatientId, "LO", emptyIfAbsent: true)
          .CopyText(header, SegTags.IssuerOfPatientId, "LO", emptyIfAbsent: false)
          .CopyText(header, SegTags.PatientBirthDate, "DA", emptyIfAbsent: true)
          .CopyText(header, SegTags.PatientSex, "CS", emptyIfAbsent: true)
          .CopyText(header, SegTags.PatientIdentityRemoved, "CS", emptyIfAbsent: false)
          .CopyText(header, SegTags.DeidentificationMethod, "LO", emptyIfAbsent: false)
          .CopyText(header, SegTags.PatientAge, "AS", emptyIfAbsent: false)
          .CopyText(header, SegTags.PatientSize, "DS", emptyIfAbsent: false)
          .CopyText(header, SegTags.PatientWeight, "DS", emptyIfAbsent: false)
          .CopyText(header, DicomTags.StudyInstanceUid, "UI", emptyIfAbsent: true)
          .CopyText(header, SegTags.StudyDate, "DA", emptyIfAbsent: true)
          .CopyText(header, SegTags.StudyTime, "TM", emptyIfAbsent: true)
          .CopyText(header, SegTags.ReferringPhysicianName, "PN", emptyIfAbsent: true)
          .CopyText(header, SegTags.StudyId, "SH", emptyIfAbsent: true)
          .CopyText(header, SegTags.AccessionNumber, "SH", emptyIfAbsent: true)
          .CopyText(header, SegTags.StudyDescription, "LO", emptyIfAbsent: false);
        if (frameOfReference)
            ds.CopyText(header, SegTags.FrameOfReferenceUid, "UI", emptyIfAbsent: true)
              .CopyText(header, SegTags.PositionReferenceIndicator, "LO", emptyIfAbsent: true);
    }

    private static DicomOutputDataset SegmentItem(SegmentDefinition segment, int number, SegmentationAlgorithm algorithm)
    {
        var identification = new DicomOutputDataset()
            .Code(SegTags.AlgorithmFamilyCodeSequence, DicomCode.ArtificialIntelligence)
            .Text(SegTags.AlgorithmName, "LO", algorithm.Name)
            .Text(SegTags.AlgorithmVersion, "LO", algorithm.Version)
            .Text(SegTags.AlgorithmParameters, "LT", algorithm.Parameters)
            .Text(SegTags.AlgorithmSource, "LO", algorithm.Name);
        return new DicomOutputDataset()
            .Code(SegTags.SegmentedPropertyCategoryCodeSequence, segment.Category)
            .UInt16(SegTags.SegmentNumber, (ushort)number)
            .Text(SegTags.SegmentLabel, "LO", segment.Label)
            .Sequence(SegTags.SegmentationAlgorithmIdentificationSequence, identification)
            .Text(SegTags.SegmentAlgorithmType, "CS", "AUTOMATIC")
            .Text(SegTags.SegmentAlgorithmName, "LO", algorithm.Name)
            .Code(SegTags.SegmentedPropertyTypeCodeSequence, segment.Type);
    }

    /// <summary>Pixel Measures and Plane Orientation: one for all frames, as in the source.</summary>
    private static DicomOutputDataset SharedGroups(DicomSeriesSource source)
    {
        double thickness = source.Header.GetDecimals(DicomTags.SliceThickness) is { Length: > 0 } t && t[0] > 0 ? t[0] : source.SliceSpacing;
        var measures = new DicomOutputDataset()
            .Decimals(DicomTags.PixelSpacing, source.RowSpacing, source.ColumnSpacing)
            .Decimals(DicomTags.SliceThickness, thickness)
            .Decimals(DicomTags.SpacingBetweenSlices, source.SliceSpacing);
        var orientation = new DicomOutputDataset().Decimals(DicomTags.ImageOrientationPatient, source.Orientation);
        return new DicomOutputDataset()
            .Sequence(DicomTags.PixelMeasuresSequence, measures)
            .Sequence(DicomTags.PlaneOrientationSequence, orientation);
    }

    private static DicomOutputDataset FrameGroups(Frame frame, DicomSeriesSource source, int segmentNumber)
    {
        var image = source.Images[frame.Slice];
        var sourceImage = new DicomOutputDataset()
            .Text(SegTags.ReferencedSopClassUid, "UI", image.SopClassUid)
            .Text(SegTags.ReferencedSopInstanceUid, "UI", image.SopInstanceUid)
            .Code(SegTags.PurposeOfReferenceCodeSequence, DicomCode.SourceImageForProcessing);
        if (image.FrameNumber is { } number) sourceImage.Integer(SegTags.ReferencedFrameNumber, number);
        var derivation = new DicomOutputDataset()
            .Sequence(SegTags.SourceImageSequence, sourceImage)
            .Code(SegTags.DerivationCodeSequence, DicomCode.SegmentationDerivation);
        return new DicomOutputDataset()
            .Sequence(SegTags.DerivationImageSequence, derivation)
            .Sequence(SegTags.FrameContentSequence, new DicomOutputDataset()
                .UInt32(SegTags.DimensionIndexValues, (uint)segmentNumber, (uint)(frame.Slice + 1)))
            .Sequence(DicomTags.PlanePositionSequence, new DicomOutputDataset().Decimals(DicomTags.ImagePositionPatient, image.Position))
            .Sequence(SegTags.SegmentIdentificationSequence, new DicomOutputDataset().UInt16(SegTags.ReferencedSegmentNumber, (ushort)segmentNumber));
    }

    private static DicomOutputDataset DimensionIndex(string organisationUid, DicomTag index, DicomTag group, string label) => new DicomOutputDataset()
        .Text(SegTags.DimensionOrganizationUid, "UI", organisationUid)
        .Tags(SegTags.DimensionIndexPointer, index)
        .Tags(SegTags.FunctionalGroupPointer, group)
        .Text(SegTags.DimensionDescriptionLabel, "LO", label);

    /// <summary>
    /// PS3.10 7.1: 128-byte preamble, "DICM", the file meta group (always explicit VR little endian), then the dataset
    /// in explicit or implicit VR little endian.
    /// </summary>
    internal static void WritePart10(Stream output, DicomOutputDataset dataset, string sopClassUid, string instanceUid, bool explicitVr = true)
    {
        var meta = new DicomOutputDataset()
            .Raw(SegTags.FileMetaInformationVersion, "OB", [0x00, 0x01])
            .Text(DicomTags.MediaStorageSopClassUid, "UI", sopClassUid)
            .Text(SegTags.MediaStorageSopInstanceUid, "UI", instanceUid)
            .Text(DicomTags.TransferSyntaxUid, "UI", (explicitVr ? TransferSyntax.ExplicitVrLittleEndian : TransferSyntax.ImplicitVrLittleEndian).Uid)
            .Text(SegTags.ImplementationClassUid, "UI", DicomUids.ImplementationClassUid)
            .Text(SegTags.ImplementationVersionName, "SH", "NATIVESEG");
        byte[] metaBytes = meta.Encode();
        output.Write(new byte[128]);
        output.Write(Encoding.ASCII.GetBytes("DICM"));
        output.Write(new DicomOutputDataset().UInt32(DicomTags.FileMetaInformationGroupLength, (uint)metaBytes.Length).Encode());
        output.Write(metaBytes);
        dataset.WriteTo(output, explicitVr);
    }

    internal static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
