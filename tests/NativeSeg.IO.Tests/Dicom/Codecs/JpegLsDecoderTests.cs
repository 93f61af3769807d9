using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom.Codecs;

/// <summary>
/// JPEG-LS (T.87) against CharLS and dcmtk: real CT slices re-encoded in the test with <c>dcmcjpls</c> and
/// <c>gdcmconv --jpegls</c>; lossless must give back the original stored values bit for bit, near-lossless exactly
/// what <c>dcmdjpls</c> and <c>gdcmconv --raw</c> (CharLS) decode.
/// </summary>
public class JpegLsDecoderTests
{
    private static string Case009Slice(int number) => Path.Combine(DicomTestData.Case009Folder, $"1-{number:D3}.dcm");

    private static IEnumerable<TestCaseData> Slices()
    {
        yield return new TestCaseData(Case009Slice(60)).SetArgDisplayNames("Case_009 slice 60 (12-bit unsigned)");
        yield return new TestCaseData(DicomTestData.Data("dicom", "slice001.dcm")).SetArgDisplayNames("slice001 (16-bit signed)");
        yield return new TestCaseData(DicomTestData.Codec("pydicom_CT_small.dcm")).SetArgDisplayNames("CT_small (16-bit signed)");
    }

    [TestCaseSource(nameof(Slices))]
    public void LosslessFromDcmtkIsBitExact(string original)
    {
        using var temp = DicomTestData.NewTempFolder();
        string encoded = temp.File("jls.dcm");
        ReferenceTools.Run("dcmcjpls", original, encoded);
        Assert.That(DicomFile.Open(encoded, headerOnly: true).TransferSyntax, Is.EqualTo(TransferSyntax.JpegLsLossless));
        Assert.That(ReferenceTools.StoredValues(encoded), Is.EqualTo(ReferenceTools.StoredValues(original)));
    }

    [TestCaseSource(nameof(Slices))]
    public void LosslessFromGdcmIsBitExact(string original)
    {
        using var temp = DicomTestData.NewTempFolder();
        string encoded = temp.File("jls.dcm");
        ReferenceTools.Run("gdcmconv", "--jpegls", original, encoded);
        Assert.That(DicomFile.Open(encoded, headerOnly: true).TransferSyntax, Is.EqualTo(TransferSyntax.JpegLsLossless));
        Assert.That(ReferenceTools.StoredValues(encoded), Is.EqualTo(ReferenceTools.StoredValues(original)));
    }

    [TestCaseSource(nameof(Slices))]
    public void NearLosslessEqualsDcmdjplsAndCharls(string original)
    {
        using var temp = DicomTestData.NewTempFolder();
        string encoded = temp.File("nl.dcm"), byDcmtk = temp.File("dcmtk.dcm"), byCharls = temp.File("charls.dcm");
        ReferenceTools.Run("dcmcjpls", "+en", "+md", "3", original, encoded);
        ReferenceTools.Run("dcmdjpls", encoded, byDcmtk);
        ReferenceTools.Run("gdcmconv", "--raw", encoded, byCharls);
        Assert.That(DicomFile.Open(encoded, headerOnly: true).TransferSyntax, Is.EqualTo(TransferSyntax.JpegLsNearLossless));
        var ours = ReferenceTools.StoredValues(encoded);
        Assert.That(ours, Is.EqualTo(ReferenceTools.StoredValues(byDcmtk)));
        Assert.That(ours, Is.EqualTo(ReferenceTools.StoredValues(byCharls)));
        Assert.That(ReferenceTools.Compare(ours, ReferenceTools.StoredValues(original)).MaxDifference, Is.InRange(1, 3));
    }
}
