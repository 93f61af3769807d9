namespace NativeSeg.IO.Dicom.Writing;

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
