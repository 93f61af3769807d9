namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// One segment of a DICOM-SEG: the voxels of the label volume equal to <see cref="LabelValue"/>, what they are
/// (<see cref="Category"/> and <see cref="Type"/>, SNOMED CT codes) and the label a viewer shows.
/// </summary>
public sealed record SegmentDefinition(byte LabelValue, string Label, DicomCode Category, DicomCode Type)
{
    /// <summary>Both lungs as one segment (NativeSeg's default mask: lung = 1).</summary>
    public static IReadOnlyList<SegmentDefinition> BothLungs { get; } =
        [new(1, "Lung", DicomCode.AnatomicalStructure, DicomCode.Lung)];

    /// <summary>Right lung = 1 and left lung = 2 (<c>--labels lr</c>).</summary>
    public static IReadOnlyList<SegmentDefinition> RightAndLeftLung { get; } =
    [
        new(1, "Right lung", DicomCode.AnatomicalStructure, DicomCode.RightLung),
        new(2, "Left lung", DicomCode.AnatomicalStructure, DicomCode.LeftLung),
    ];
}

/// <summary>
/// The algorithm that made a segmentation (PS3.3 Algorithm Identification macro, 10-19): name and version of the
/// software, and the weights it ran with, identified by name, version and the SHA-256 of the weights file.
/// </summary>
public sealed record SegmentationAlgorithm(string Name, string Version, string WeightsName, string WeightsVersion, string WeightsSha256)
{
    /// <summary>AlgorithmParameters as written: <c>weights=NAME;weights_version=V;weights_sha256=HEX</c>.</summary>
    public string Parameters => $"weights={WeightsName};weights_version={WeightsVersion};weights_sha256={WeightsSha256}";
}

/// <summary>How a DICOM-SEG is labelled; UIDs left null are created (<see cref="DicomUids"/>).</summary>
public sealed record DicomSegmentationOptions
{
    public string SeriesDescription { get; init; } = "Lung segmentation (NativeSeg)";

    /// <summary>SeriesNumber of the new series (the Segmentation Series module makes it type 1).</summary>
    public int SeriesNumber { get; init; } = 9001;

    /// <summary>ContentLabel (CS: upper-case letters, digits, space and underscore, at most 16 characters).</summary>
    public string ContentLabel { get; init; } = "LUNGS";

    public string ContentDescription { get; init; } = "Lung segmentation";

    /// <summary>ContentCreatorName (PN): who made the content; for an automatic result, the software.</summary>
    public string ContentCreatorName { get; init; } = "NativeSeg^";

    public string? SeriesInstanceUid { get; init; }

    public string? SopInstanceUid { get; init; }

    /// <summary>Content, series and instance creation date and time (local time, as DICOM dates are); default: now.</summary>
    public DateTime? CreationTime { get; init; }
}

/// <summary>A written DICOM-SEG: its UIDs (to find it again in a PACS) and how many frames it holds.</summary>
public sealed record DicomSegmentationResult(string SeriesInstanceUid, string SopInstanceUid, int FrameCount, IReadOnlyList<int> SegmentNumbers);
