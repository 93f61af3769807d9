using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom.Codecs;

/// <summary>
/// Lossy JPEG (baseline 8-bit, extended 12-bit) against dcmtk's <c>dcmdjpeg</c> (libjpeg 6b, islow integer IDCT):
/// real CT slices re-encoded in the test with <c>dcmcjpeg</c>; our samples must equal the reference decoder's bit for
/// bit (measured maximum difference: 0 on every slice and setting here).
/// </summary>
public class JpegDctDecoderTests
{
    private static string Case009Slice(int number) => Path.Combine(DicomTestData.Case009Folder, $"1-{number:D3}.dcm");

    private static IEnumerable<TestCaseData> Encodings()
    {
        foreach (var (name, path) in new[] { ("Case_009 slice 60", Case009Slice(60)), ("Case_009 slice 100", Case009Slice(100)), ("slice001", DicomTestData.Data("dicom", "slice001.dcm")) })
        {
            yield return new TestCaseData(path, new[] { "+eb" }, TransferSyntax.JpegBaseline, 8).SetArgDisplayNames(name, "baseline q90");
            yield return new TestCaseData(path, new[] { "+ee" }, TransferSyntax.JpegExtended, 12).SetArgDisplayNames(name, "extended 12-bit q90");
        }
        string slice = Case009Slice(60);
        yield return new TestCaseData(slice, new[] { "+eb", "-ho" }, TransferSyntax.JpegBaseline, 8).SetArgDisplayNames("Case_009 slice 60", "baseline standard Huffman tables");
        yield return new TestCaseData(slice, new[] { "+eb", "+q", "30" }, TransferSyntax.JpegBaseline, 8).SetArgDisplayNames("Case_009 slice 60", "baseline q30");
        yield return new TestCaseData(slice, new[] { "+ee", "+q", "100" }, TransferSyntax.JpegExtended, 12).SetArgDisplayNames("Case_009 slice 60", "extended q100");
        yield return new TestCaseData(slice, new[] { "+ee", "+be" }, TransferSyntax.JpegExtended, 8).SetArgDisplayNames("Case_009 slice 60", "extended 8-bit");
        yield return new TestCaseData(slice, new[] { "+ep" }, TransferSyntax.JpegFullProgression, 12).SetArgDisplayNames("Case_009 slice 60", "progressive 12-bit");
        yield return new TestCaseData(slice, new[] { "+ep", "+be" }, TransferSyntax.JpegFullProgression, 8).SetArgDisplayNames("Case_009 slice 60", "progressive 8-bit");
        yield return new TestCaseData(DicomTestData.Data("dicom", "slice001.dcm"), new[] { "+ep" }, TransferSyntax.JpegFullProgression, 12).SetArgDisplayNames("slice001", "progressive 12-bit");
        yield return new TestCaseData(slice, new[] { "+es" }, TransferSyntax.JpegSpectralSelection, 12).SetArgDisplayNames("Case_009 slice 60", "spectral selection 12-bit");
    }

    [TestCaseSource(nameof(Encodings))]
    public void DecodesLikeDcmdjpeg(string original, string[] options, TransferSyntax syntax, int bitsStored)
    {
        using var temp = DicomTestData.NewTempFolder();
        string encoded = temp.File("jpeg.dcm"), reference = temp.File("dcmdjpeg.dcm");
        ReferenceTools.Run("dcmcjpeg", [.. options, original, encoded]);
        ReferenceTools.Run("dcmdjpeg", encoded, reference);
        var file = DicomFile.Open(encoded, headerOnly: true);
        Assert.That(file.TransferSyntax, Is.EqualTo(syntax));
        Assert.That(file.Dataset.GetUInt16(DicomTags.BitsStored), Is.EqualTo(bitsStored));

        var ours = ReferenceTools.StoredValues(encoded);
        var (maxDifference, differing) = ReferenceTools.Compare(ours, ReferenceTools.StoredValues(reference));
        TestContext.Out.WriteLine($"max |ours − dcmdjpeg| = {maxDifference}, {differing} of {ours.Length} samples differ");
        Assert.That(maxDifference, Is.Zero, $"{differing} samples differ from dcmdjpeg's");
        // The comparison is not vacuous: lossy coding changed the image.
        Assert.That(ours.Distinct().Count(), Is.GreaterThan(50));
    }

    /// <summary>
    /// Progressive JPEG with a restart interval of 3 blocks (committed fixture from cjpeg; make_jpeg_fixtures.sh): end-of-band
    /// runs and DC prediction restart at every marker, in every one of its scans.
    /// </summary>
    [Test]
    public void ProgressiveWithRestartIntervalsDecodesLikeDcmdjpeg()
    {
        using var temp = DicomTestData.NewTempFolder();
        string fixture = DicomTestData.Fixture("ct_case009_progressive_restart.dcm"), reference = temp.File("dcmdjpeg.dcm");
        ReferenceTools.Run("dcmdjpeg", fixture, reference);
        var stream = DicomFile.Open(fixture).Dataset.Find(DicomTags.PixelData)!.Fragments!.Fragment(0).Span;
        int scans = 0, restarts = 0;
        for (int i = 0; i + 1 < stream.Length; i++)
        {
            if (stream[i] != 0xFF) continue;
            if (stream[i + 1] == 0xDA) scans++;
            if (stream[i + 1] is >= 0xD0 and <= 0xD7) restarts++;
        }
        Assert.That(scans, Is.GreaterThanOrEqualTo(6), "spectral selection and successive approximation scans");
        Assert.That(restarts, Is.GreaterThan(100 * scans));
        Assert.That(ReferenceTools.Compare(ReferenceTools.StoredValues(fixture), ReferenceTools.StoredValues(reference)).MaxDifference, Is.Zero);
    }
}
