namespace NativeSeg.IO.Dicom.Writing;

/// <summary>The tags the DICOM-SEG writer and reader use beyond <see cref="DicomTags"/>, named as in DICOM PS3.6.</summary>
internal static class SegTags
{
    public static readonly DicomTag FileMetaInformationVersion = new(0x0002, 0x0001);
    public static readonly DicomTag MediaStorageSopInstanceUid = new(0x0002, 0x0003);
    public static readonly DicomTag ImplementationClassUid = new(0x0002, 0x0012);
    public static readonly DicomTag ImplementationVersionName = new(0x0002, 0x0013);

    public static readonly DicomTag SpecificCharacterSet = new(0x0008, 0x0005);
    public static readonly DicomTag ImageType = new(0x0008, 0x0008);
    public static readonly DicomTag InstanceCreationDate = new(0x0008, 0x0012);
    public static readonly DicomTag InstanceCreationTime = new(0x0008, 0x0013);
    public static readonly DicomTag StudyDate = new(0x0008, 0x0020);
    public static readonly DicomTag SeriesDate = new(0x0008, 0x0021);
    public static readonly DicomTag ContentDate = new(0x0008, 0x0023);
    public static readonly DicomTag StudyTime = new(0x0008, 0x0030);
    public static readonly DicomTag SeriesTime = new(0x0008, 0x0031);
    public static readonly DicomTag ContentTime = new(0x0008, 0x0033);
    public static readonly DicomTag AccessionNumber = new(0x0008, 0x0050);
    public static readonly DicomTag Manufacturer = new(0x0008, 0x0070);
    public static readonly DicomTag ReferringPhysicianName = new(0x0008, 0x0090);
    public static readonly DicomTag CodeValue = new(0x0008, 0x0100);
    public static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
    public static readonly DicomTag CodeMeaning = new(0x0008, 0x0104);
    public static readonly DicomTag StudyDescription = new(0x0008, 0x1030);
    public static readonly DicomTag ManufacturerModelName = new(0x0008, 0x1090);
    public static readonly DicomTag ReferencedSeriesSequence = new(0x0008, 0x1115);
    public static readonly DicomTag ReferencedInstanceSequence = new(0x0008, 0x114A);
    public static readonly DicomTag ReferencedSopClassUid = new(0x0008, 0x1150);
    public static readonly DicomTag ReferencedSopInstanceUid = new(0x0008, 0x1155);
    public static readonly DicomTag ReferencedFrameNumber = new(0x0008, 0x1160);
    public static readonly DicomTag SourceImageSequence = new(0x0008, 0x2112);
    public static readonly DicomTag DerivationImageSequence = new(0x0008, 0x9124);
    public static readonly DicomTag DerivationCodeSequence = new(0x0008, 0x9215);

    public static readonly DicomTag PatientName = new(0x0010, 0x0010);
    public static readonly DicomTag PatientId = DicomTags.PatientId;
    public static readonly DicomTag IssuerOfPatientId = new(0x0010, 0x0021);
    public static readonly DicomTag PatientBirthDate = new(0x0010, 0x0030);
    public static readonly DicomTag PatientSex = new(0x0010, 0x0040);
    public static readonly DicomTag PatientAge = new(0x0010, 0x1010);
    public static readonly DicomTag PatientSize = new(0x0010, 0x1020);
    public static readonly DicomTag PatientWeight = new(0x0010, 0x1030);
    public static readonly DicomTag PatientIdentityRemoved = new(0x0012, 0x0062);
    public static readonly DicomTag DeidentificationMethod = new(0x0012, 0x0063);

    public static readonly DicomTag DeviceSerialNumber = new(0x0018, 0x1000);
    public static readonly DicomTag SoftwareVersions = new(0x0018, 0x1020);

    public static readonly DicomTag StudyId = new(0x0020, 0x0010);
    public static readonly DicomTag FrameOfReferenceUid = new(0x0020, 0x0052);
    public static readonly DicomTag PositionReferenceIndicator = new(0x0020, 0x1040);
    public static readonly DicomTag FrameContentSequence = new(0x0020, 0x9111);
    public static readonly DicomTag DimensionIndexValues = new(0x0020, 0x9157);
    public static readonly DicomTag DimensionOrganizationUid = new(0x0020, 0x9164);
    public static readonly DicomTag DimensionIndexPointer = new(0x0020, 0x9165);
    public static readonly DicomTag FunctionalGroupPointer = new(0x0020, 0x9167);
    public static readonly DicomTag DimensionOrganizationSequence = new(0x0020, 0x9221);
    public static readonly DicomTag DimensionIndexSequence = new(0x0020, 0x9222);
    public static readonly DicomTag DimensionDescriptionLabel = new(0x0020, 0x9421);

    public static readonly DicomTag LossyImageCompression = new(0x0028, 0x2110);

    public static readonly DicomTag AlgorithmSource = new(0x0024, 0x0202);
    public static readonly DicomTag PurposeOfReferenceCodeSequence = new(0x0040, 0xA170);

    public static readonly DicomTag SegmentationType = new(0x0062, 0x0001);
    public static readonly DicomTag SegmentSequence = new(0x0062, 0x0002);
    public static readonly DicomTag SegmentedPropertyCategoryCodeSequence = new(0x0062, 0x0003);
    public static readonly DicomTag SegmentNumber = new(0x0062, 0x0004);
    public static readonly DicomTag SegmentLabel = new(0x0062, 0x0005);
    public static readonly DicomTag SegmentDescription = new(0x0062, 0x0006);
    public static readonly DicomTag SegmentationAlgorithmIdentificationSequence = new(0x0062, 0x0007);
    public static readonly DicomTag SegmentAlgorithmType = new(0x0062, 0x0008);
    public static readonly DicomTag SegmentAlgorithmName = new(0x0062, 0x0009);
    public static readonly DicomTag SegmentIdentificationSequence = new(0x0062, 0x000A);
    public static readonly DicomTag ReferencedSegmentNumber = new(0x0062, 0x000B);
    public static readonly DicomTag SegmentedPropertyTypeCodeSequence = new(0x0062, 0x000F);

    public static readonly DicomTag AlgorithmFamilyCodeSequence = new(0x0066, 0x002F);
    public static readonly DicomTag AlgorithmVersion = new(0x0066, 0x0031);
    public static readonly DicomTag AlgorithmParameters = new(0x0066, 0x0032);
    public static readonly DicomTag AlgorithmName = new(0x0066, 0x0036);

    public static readonly DicomTag ContentLabel = new(0x0070, 0x0080);
    public static readonly DicomTag ContentDescription = new(0x0070, 0x0081);
    public static readonly DicomTag ContentCreatorName = new(0x0070, 0x0084);
}
