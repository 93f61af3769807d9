namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// A coded concept as DICOM's Code Sequence macro writes it (PS3.3 Table 8.8-1): CodeValue, CodingSchemeDesignator
/// (SCT: SNOMED CT; DCM: DICOM's own codes, PS3.16) and CodeMeaning.
/// </summary>
public sealed record DicomCode(string Value, string Scheme, string Meaning)
{
    /// <summary>(123037004, SCT, "Anatomical Structure"): the segmented property category of an organ.</summary>
    public static DicomCode AnatomicalStructure { get; } = new("123037004", "SCT", "Anatomical Structure");

    public static DicomCode Lung { get; } = new("39607008", "SCT", "Lung");

    public static DicomCode RightLung { get; } = new("3341006", "SCT", "Right lung");

    public static DicomCode LeftLung { get; } = new("44029006", "SCT", "Left lung");

    /// <summary>(123110, DCM, "Artificial Intelligence"): the algorithm family (CID 7162) of a trained network.</summary>
    public static DicomCode ArtificialIntelligence { get; } = new("123110", "DCM", "Artificial Intelligence");

    /// <summary>(113076, DCM, "Segmentation"): how a derived image was derived (CID 7203).</summary>
    public static DicomCode SegmentationDerivation { get; } = new("113076", "DCM", "Segmentation");

    /// <summary>(121322, DCM, "Source image for image processing operation"): why a source image is referenced (CID 7202).</summary>
    public static DicomCode SourceImageForProcessing { get; } = new("121322", "DCM", "Source image for image processing operation");
}
