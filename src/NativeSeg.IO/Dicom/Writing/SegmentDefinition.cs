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
