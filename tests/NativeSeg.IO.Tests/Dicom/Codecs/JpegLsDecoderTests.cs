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

    /// <summary>dcmcjpls codes unsigned data only; gdcmconv (CharLS) codes the signed slices (its `-e N` sets NEAR; the long
    /// form `--allowed-error N` is silently ignored by GDCM 3.0.21, which then codes NEAR = 0).</summary>
    [Test]
    public void NearLosslessFromDcmtkEqualsDcmdjplsAndCharls() =>
        AssertNearLosslessEqualsReferences(Case009Slice(60), 3, ["dcmcjpls", "+en", "+md", "3"]);

    [TestCase("slice001.dcm")]
    [TestCase("codecs/pydicom_CT_small.dcm")]
    public void NearLosslessFromGdcmEqualsDcmdjplsAndCharls(string name) =>
        AssertNearLosslessEqualsReferences(DicomTestData.Data(["dicom", .. name.Split('/')]), 2, ["gdcmconv", "--jpegls", "--lossy", "-e", "2"]);

    private static void AssertNearLosslessEqualsReferences(string original, int near, string[] encoder)
    {
        using var temp = DicomTestData.NewTempFolder();
        string encoded = temp.File("nl.dcm"), byDcmtk = temp.File("dcmtk.dcm"), byCharls = temp.File("charls.dcm");
        ReferenceTools.Run(encoder[0], [.. encoder[1..], original, encoded]);
        ReferenceTools.Run("dcmdjpls", encoded, byDcmtk);
        ReferenceTools.Run("gdcmconv", "--raw", encoded, byCharls);
        Assert.That(DicomFile.Open(encoded, headerOnly: true).TransferSyntax, Is.EqualTo(TransferSyntax.JpegLsNearLossless));
        var ours = ReferenceTools.StoredValues(encoded);
        Assert.That(ours, Is.EqualTo(ReferenceTools.StoredValues(byDcmtk)), "vs dcmdjpls");
        Assert.That(ours, Is.EqualTo(ReferenceTools.StoredValues(byCharls)), "vs gdcmconv --raw (CharLS)");
        var (maxDifference, _) = ReferenceTools.Compare(ours, ReferenceTools.StoredValues(original));
        Assert.That(maxDifference, Is.InRange(1, near), "NEAR bounds the error and the test image is not trivially coded");
    }

    [Test]
    public void CustomThresholdsAndResetInAnLseSegmentAreHonoured()
    {
        using var temp = DicomTestData.NewTempFolder();
        string original = Case009Slice(40), encoded = temp.File("thresholds.dcm");
        ReferenceTools.Run("dcmcjpls", "+t1", "5", "+t2", "19", "+t3", "70", "+rs", "32", original, encoded);
        var fragment = DicomFile.Open(encoded).Dataset.Find(DicomTags.PixelData)!.Fragments!.Fragment(0).Span;
        Assert.That(fragment.IndexOf([(byte)0xFF, (byte)0xF8]), Is.GreaterThan(0), "the stream carries an LSE segment");
        Assert.That(ReferenceTools.StoredValues(encoded), Is.EqualTo(ReferenceTools.StoredValues(original)));
    }

    /// <summary>8-bit samples: a real slice brought to 8 bits by dcmcjpeg's baseline path and decoded by dcmdjpeg first.</summary>
    [Test]
    public void EightBitLosslessIsBitExact()
    {
        using var temp = DicomTestData.NewTempFolder();
        string baseline = temp.File("eb.dcm"), eightBit = temp.File("8bit.dcm"), encoded = temp.File("jls8.dcm");
        ReferenceTools.Run("dcmcjpeg", "+eb", Case009Slice(60), baseline);
        ReferenceTools.Run("dcmdjpeg", baseline, eightBit);
        ReferenceTools.Run("dcmcjpls", eightBit, encoded);
        Assert.That(DicomFile.Open(encoded, headerOnly: true).Dataset.GetUInt16(DicomTags.BitsAllocated), Is.EqualTo(8));
        Assert.That(ReferenceTools.StoredValues(encoded), Is.EqualTo(ReferenceTools.StoredValues(eightBit)));
    }
}
