namespace NativeSeg.IO.Dicom;

/// <summary>
/// The few VRs an implicit VR file needs from a dictionary. Only sequences matter to the parser (their items must
/// be parsed to find nested data); everything else is read by type through <see cref="DicomDataset"/> accessors.
/// Unknown tags are "UN": their raw bytes are kept, and parsed as items only if someone asks for a sequence.
/// </summary>
internal static class DicomDictionary
{
    private static readonly Dictionary<uint, string> Vrs = new()
    {
        [DicomTags.PixelData.Value] = "OW",
        [DicomTags.SharedFunctionalGroupsSequence.Value] = "SQ",
        [DicomTags.PerFrameFunctionalGroupsSequence.Value] = "SQ",
        [DicomTags.PixelMeasuresSequence.Value] = "SQ",
        [DicomTags.PlanePositionSequence.Value] = "SQ",
        [DicomTags.PlaneOrientationSequence.Value] = "SQ",
        [DicomTags.PixelValueTransformationSequence.Value] = "SQ",
        [0x00081110] = "SQ", // Referenced Study Sequence
        [0x00081111] = "SQ", // Referenced Performed Procedure Step Sequence
        [0x00081140] = "SQ", // Referenced Image Sequence
        [0x00082112] = "SQ", // Source Image Sequence
        [0x00400275] = "SQ", // Request Attributes Sequence
        [0x00089215] = "SQ", // Derivation Code Sequence
        [0x00540220] = "SQ", // View Code Sequence
    };

    public static string ImplicitVr(DicomTag tag) => Vrs.GetValueOrDefault(tag.Value, "UN");
}
