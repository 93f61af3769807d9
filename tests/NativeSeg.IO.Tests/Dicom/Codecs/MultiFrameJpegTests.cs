using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom.Codecs;

/// <summary>
/// Multi-frame and fragmented pixel data through the lossy JPEG and JPEG-LS decoders, from the committed 3-frame
/// baseline fixture (restart intervals, partial edge blocks; Fixtures/Dicom/make_jpeg_fixtures.sh) and its
/// re-encodings by dcmtk with 1 KiB fragments, so every frame spans several fragments found through the basic offset table.
/// </summary>
public class MultiFrameJpegTests
{
    private static readonly string Fixture = DicomTestData.Fixture("ct_case009_baseline_restart_3frames.dcm");

    [Test]
    public void BaselineWithRestartIntervalsDecodesLikeDcmdjpegInEveryFrame()
    {
        using var temp = DicomTestData.NewTempFolder();
        string reference = temp.File("dcmdjpeg.dcm");
        ReferenceTools.Run("dcmdjpeg", Fixture, reference);
        var file = DicomFile.Open(Fixture);
        Assert.That(DicomPixelFormat.Read(file).Frames, Is.EqualTo(3));
        var fragments = file.Dataset.Find(DicomTags.PixelData)!.Fragments!;
        int restartMarkers = 0;
        var frame = fragments.Fragment(1).Span;
        for (int i = 0; i + 1 < frame.Length; i++)
            if (frame[i] == 0xFF && frame[i + 1] is >= 0xD0 and <= 0xD7) restartMarkers++;
        Assert.That(restartMarkers, Is.EqualTo((24 * 20 - 1) / 5), "190×158 is 24×20 blocks, a restart every 5");

        var ours = ReferenceTools.StoredValues(Fixture);
        Assert.That(ReferenceTools.Compare(ours, ReferenceTools.StoredValues(reference)).MaxDifference, Is.Zero);
        Assert.That(ours.AsSpan(0, 190 * 158).SequenceEqual(ours.AsSpan(2 * 190 * 158)), Is.False, "the frames differ");
    }

    [TestCase("dcmcjpls")]
    [TestCase("dcmcjpeg", "+ee")]
    public void FragmentedMultiFrameDecodesEveryFrame(string encoder, params string[] options)
    {
        using var temp = DicomTestData.NewTempFolder();
        string raw = temp.File("raw.dcm"), encoded = temp.File("encoded.dcm"), reference = temp.File("reference.dcm");
        ReferenceTools.Run("dcmdjpeg", Fixture, raw);
        ReferenceTools.Run(encoder, [.. options, "+fs", "1", raw, encoded]);
        ReferenceTools.Run(encoder == "dcmcjpls" ? "dcmdjpls" : "dcmdjpeg", encoded, reference);

        var fragments = DicomFile.Open(encoded).Dataset.Find(DicomTags.PixelData)!.Fragments!;
        Assert.That(fragments.FragmentCount, Is.GreaterThan(6), "each frame spans several 1 KiB fragments");
        Assert.That(fragments.OffsetTable.Length, Is.EqualTo(12));
        var ours = ReferenceTools.StoredValues(encoded);
        Assert.That(ours, Is.EqualTo(ReferenceTools.StoredValues(reference)));
        if (encoder == "dcmcjpls") Assert.That(ours, Is.EqualTo(ReferenceTools.StoredValues(raw)), "lossless");
    }

    [TestCase("dcmcjpls")]
    [TestCase("dcmcjpeg", "+ee")]
    public void ACorruptFrameIsNamed(string encoder, params string[] options)
    {
        using var temp = DicomTestData.NewTempFolder();
        string raw = temp.File("raw.dcm"), encoded = temp.File("encoded.dcm");
        ReferenceTools.Run("dcmdjpeg", Fixture, raw);
        ReferenceTools.Run(encoder, [.. options, raw, encoded]);
        var bytes = File.ReadAllBytes(encoded);
        var second = DicomFile.Open(encoded).Dataset.Find(DicomTags.PixelData)!.Fragments!.Fragment(1);
        int at = bytes.AsSpan().IndexOf(second.Span.Slice(second.Length / 3, 48));
        Array.Clear(bytes, at, second.Length / 3); // a third of frame 2's entropy-coded data becomes zero bits
        string corrupt = temp.File("corrupt.dcm");
        File.WriteAllBytes(corrupt, bytes);

        var file = DicomFile.Open(corrupt);
        Assert.DoesNotThrow(() => DicomPixelDecoder.DecodeStoredValues(file, 0));
        var e = Assert.Throws<InvalidInputException>(() => DicomPixelDecoder.DecodeStoredValues(file, 1))!;
        Assert.That(e.Path, Is.EqualTo(corrupt));
        Assert.That(e.Reason, Does.Contain("frame 2"));
        TestContext.Out.WriteLine(e.Message);
    }
}
