namespace NativeSeg.IO.Dicom.Writing;

/// <summary>The RT Structure Set tags (group 3006 and a few others), named as in DICOM PS3.6.</summary>
internal static class RtTags
{
    public static readonly DicomTag OperatorsName = new(0x0008, 0x1070);
    public static readonly DicomTag StructureSetLabel = new(0x3006, 0x0002);
    public static readonly DicomTag StructureSetName = new(0x3006, 0x0004);
    public static readonly DicomTag StructureSetDate = new(0x3006, 0x0008);
    public static readonly DicomTag StructureSetTime = new(0x3006, 0x0009);
    public static readonly DicomTag ReferencedFrameOfReferenceSequence = new(0x3006, 0x0010);
    public static readonly DicomTag RtReferencedStudySequence = new(0x3006, 0x0012);
    public static readonly DicomTag RtReferencedSeriesSequence = new(0x3006, 0x0014);
    public static readonly DicomTag ContourImageSequence = new(0x3006, 0x0016);
    public static readonly DicomTag StructureSetRoiSequence = new(0x3006, 0x0020);
    public static readonly DicomTag RoiNumber = new(0x3006, 0x0022);
    public static readonly DicomTag ReferencedFrameOfReferenceUid = new(0x3006, 0x0024);
    public static readonly DicomTag RoiName = new(0x3006, 0x0026);
    public static readonly DicomTag RoiDisplayColor = new(0x3006, 0x002A);
    public static readonly DicomTag RoiGenerationAlgorithm = new(0x3006, 0x0036);
    public static readonly DicomTag RoiGenerationDescription = new(0x3006, 0x0038);
    public static readonly DicomTag RoiContourSequence = new(0x3006, 0x0039);
    public static readonly DicomTag ContourSequence = new(0x3006, 0x0040);
    public static readonly DicomTag ContourGeometricType = new(0x3006, 0x0042);
    public static readonly DicomTag NumberOfContourPoints = new(0x3006, 0x0046);
    public static readonly DicomTag ContourNumber = new(0x3006, 0x0048);
    public static readonly DicomTag ContourData = new(0x3006, 0x0050);
    public static readonly DicomTag RtRoiObservationsSequence = new(0x3006, 0x0080);
    public static readonly DicomTag ObservationNumber = new(0x3006, 0x0082);
    public static readonly DicomTag ReferencedRoiNumber = new(0x3006, 0x0084);
    public static readonly DicomTag RtRoiInterpretedType = new(0x3006, 0x00A4);
    public static readonly DicomTag RoiInterpreter = new(0x3006, 0x00A6);
}
