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
    /// dcmcjpeg +ep writes the retired progressive syntax (…4.55), refused by name; a progressive stream under the
    /// extended syntax's UID (patched in place, same length) is refused by the decoder, naming the file and frame.
    /// </summary>
    [Test]
    public void ProgressiveJpegIsRefusedByName()
    {
        using var temp = DicomTestData.NewTempFolder();
        string encoded = temp.File("progressive.dcm"), relabelled = temp.File("progressive-as-extended.dcm");
        ReferenceTools.Run("dcmcjpeg", "+ep", Case009Slice(60), encoded);
        var e = Assert.Throws<InvalidInputException>(() => DicomPixelDecoder.DecodeStoredValues(DicomFile.Open(encoded)))!;
        Assert.That(e.Path, Is.EqualTo(encoded));
        Assert.That(e.Reason, Does.Contain("JPEG Full Progression").And.Contain("1.2.840.10008.1.2.4.55").And.Contain("dcmdjpeg"));

        var bytes = File.ReadAllBytes(encoded);
        var uid = "1.2.840.10008.1.2.4.55"u8;
        int at = bytes.AsSpan().IndexOf(uid);
        "1.2.840.10008.1.2.4.51"u8.CopyTo(bytes.AsSpan(at));
        File.WriteAllBytes(relabelled, bytes);
        e = Assert.Throws<InvalidInputException>(() => DicomPixelDecoder.DecodeStoredValues(DicomFile.Open(relabelled)))!;
        Assert.That(e.Path, Is.EqualTo(relabelled));
        Assert.That(e.Reason, Does.Contain("progressive").And.Contain("frame 1").And.Contain("dcmdjpeg"));
    }
}
