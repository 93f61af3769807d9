using NativeSeg.IO.Dicom.Codecs.Jpeg2000;

namespace NativeSeg.IO.Tests.Dicom.Codecs.Jpeg2000;

/// <summary>
/// Real CT slices encoded by OpenJPEG's opj_compress with the options encoders use (levels, code-block sizes, the
/// five progression orders, precincts, tiles and tile offsets, tile-parts, layers, POC, SOP/EPH, PLT/TLM, every
/// code-block style 1–63, 9/7, JP2 wrapping, 8–16 bit signed and unsigned, three components with RCT/ICT) and
/// decoded by us and by opj_decompress: lossless streams must give back the source exactly, and every stream must
/// decode to exactly opj_decompress's samples.
/// </summary>
public class OpenJpegOptionMatrixTests
{
    private static readonly object[] Cases =
    [
        new object[] { "default", "", true },
        new object[] { "no decomposition", "-n 1", true },
        new object[] { "2 levels", "-n 3", true },
        new object[] { "8 levels", "-n 9", true },
        new object[] { "code-blocks 4x4", "-b 4,4", true },
        new object[] { "code-blocks 1024x4", "-b 1024,4", true },
        new object[] { "code-blocks 16x256", "-b 16,256", true },
        new object[] { "code-blocks 32x128", "-b 32,128", true },
        new object[] { "RLCP", "-p RLCP -r 20,5,1", true },
        new object[] { "RPCL precincts", "-p RPCL -c [128,128],[64,64],[32,32]", true },
        new object[] { "PCRL precincts", "-p PCRL -c [128,128],[64,64],[32,32] -r 30,8,1", true },
        new object[] { "CPRL precincts", "-p CPRL -c [64,64],[32,32]", true },
        new object[] { "LRCP precincts layers", "-p LRCP -c [256,256],[128,128],[64,64] -r 40,10,1", true },
        new object[] { "tiles 128", "-t 128,128", true },
        new object[] { "tiles 200x300", "-t 200,300 -p RPCL", true },
        new object[] { "image and tile offsets", "-d 37,11 -T 5,3 -t 160,144 -p PCRL -c [32,32]", true },
        new object[] { "tile-parts by resolution", "-t 256,256 -TP R", true },
        new object[] { "tile-parts by layer", "-TP L -r 20,4,1", true },
        new object[] { "tile-parts by component", "-TP C -p CPRL", true },
        new object[] { "POC", "-POC T1=0,0,1,3,1,RPCL/T1=3,0,1,6,1,LRCP", true },
        // Volumes that split the layers (T1=0,0,2,…/T1=0,0,3,…) do not round-trip through OpenJPEG 2.5 itself: not used.
        new object[] { "POC layers", "-r 20,5,1 -c [64,64] -POC T1=0,0,3,3,1,RLCP/T1=3,0,3,6,1,CPRL", true },
        new object[] { "SOP EPH", "-SOP -EPH -r 10,1 -c [64,64]", true },
        new object[] { "PLT TLM", "-PLT -TLM -t 256,256", true },
        new object[] { "many layers", "-r 100,80,60,40,30,20,15,10,5,2,1", true },
        new object[] { "5/3 truncated (lossy)", "-r 12", false },
        new object[] { "5/3 layers truncated", "-r 40,20,8", false },
        new object[] { "9/7 default", "-I", false },
        new object[] { "9/7 rate 10", "-I -r 10", false },
        new object[] { "9/7 layers", "-I -r 60,25,10", false },
        new object[] { "9/7 tiles precincts PCRL", "-I -r 8 -t 200,200 -c [64,64],[32,32] -p PCRL", false },
        new object[] { "9/7 quality", "-I -q 40,50", false },
        new object[] { "9/7 styles", "-I -r 6 -M 63 -b 32,32", false },
    ];

    [TestCaseSource(nameof(Cases))]
    public void Case009SliceDecodesLikeOpenJpeg(string name, string options, bool lossless) =>
        RoundTrip(name, OpenJpegEncodedSlices.Unsigned12, OpenJpegEncodedSlices.Size, OpenJpegEncodedSlices.Size, 1, 12, false, options, lossless, ".j2k");

    [TestCase("default", "", true)]
    [TestCase("9/7", "-I -r 5", false)]
    [TestCase("JP2 file", "-r 20,1", true)]
    public void GePaddedSliceDecodesLikeOpenJpeg(string name, string options, bool lossless) =>
        RoundTrip(name, OpenJpegEncodedSlices.Signed16, OpenJpegEncodedSlices.Size, OpenJpegEncodedSlices.Size, 1, 16, true, options, lossless,
            name == "JP2 file" ? ".jp2" : ".j2k");

    [TestCase(8, false)]
    [TestCase(8, true)]
    [TestCase(10, false)]
    [TestCase(12, true)]
    [TestCase(14, false)]
    [TestCase(16, false)]
    [TestCase(16, true)]
    public void EveryPrecisionAndSignednessRoundTrips(int precision, bool signed)
    {
        var samples = OpenJpegEncodedSlices.InPrecision(precision, signed);
        RoundTrip($"{precision}-bit", samples, 512, 512, 1, precision, signed, "", true, ".j2k");
        RoundTrip($"{precision}-bit 9/7", samples, 512, 512, 1, precision, signed, "-I -r 8", false, ".j2k");
    }

    /// <summary>Every code-block style (bypass, reset, terminate all, vertically causal, predictable termination,
    /// segmentation symbols and all their combinations), each with three layers so that segments span packets.</summary>
    [Test]
    public void EveryCodeBlockStyleRoundTrips()
    {
        var crop = OpenJpegEncodedSlices.Crop(OpenJpegEncodedSlices.Unsigned12, 101, 77, 203, 149);
        for (int style = 1; style <= 63; style++)
            RoundTrip($"-M {style}", crop, 203, 149, 1, 12, false, $"-M {style} -r 30,6,1 -b 16,32 -n 4", true, ".j2k");
    }

    [TestCase("RCT", "-mct 1", true)]
    [TestCase("ICT", "-I -mct 1 -r 10", false)]
    [TestCase("no transform", "-mct 0 -p CPRL", true)]
    public void ThreeComponentsWithComponentTransform(string name, string options, bool lossless)
    {
        // Three real slices as the three components: R, G, B of a colour image as far as the code stream knows.
        var a = OpenJpegEncodedSlices.Crop(OpenJpegEncodedSlices.Unsigned12, 0, 0, 256, 256);
        var b = OpenJpegEncodedSlices.Crop(OpenJpegEncodedSlices.Unsigned12, 256, 128, 256, 256);
        var c = OpenJpegEncodedSlices.Crop(OpenJpegEncodedSlices.Unsigned12, 100, 256, 256, 256);
        RoundTrip(name, [.. a, .. b, .. c], 256, 256, 3, 12, false, options, lossless, ".j2k");
    }

    private static void RoundTrip(string name, int[] samples, int width, int height, int components, int precision, bool signed,
        string options, bool lossless, string extension)
    {
        using var scratch = DicomTestData.NewTempFolder();
        string raw = scratch.File("source.rawl"), encoded = scratch.File("encoded" + extension);
        ReferenceTools.WriteRaw(raw, samples, precision);
        var arguments = new List<string> { "-i", raw, "-o", encoded, "-F", $"{width},{height},{components},{precision},{(signed ? 's' : 'u')}" };
        arguments.AddRange(options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        ReferenceTools.Run("opj_compress", [.. arguments]);

        var bytes = File.ReadAllBytes(encoded);
        if (options.Contains("-POC"))
        {
            var stream = Jpeg2000CodestreamParser.Parse(bytes);
            Assert.That(stream.ProgressionsOf(stream.Tiles[0]), Has.Count.GreaterThan(1), "opj_compress wrote the POC marker");
        }
        var image = Jpeg2000Decoder.DecodeImage(bytes);
        Assert.That((image.Width, image.Height, image.Components.Length), Is.EqualTo((width, height, components)), name);
        var ours = image.Planes.SelectMany(p => p).ToArray();
        var openJpeg = ReferenceTools.OpenJpegDecode(encoded, scratch.Path, signed, precision);
        var (max, count) = ReferenceTools.Difference(ours, openJpeg);
        Assert.That(count, Is.Zero, $"{name} ({options}): {count} samples differ from opj_decompress, by up to {max}");
        if (lossless)
        {
            (max, count) = ReferenceTools.Difference(ours, samples);
            Assert.That(count, Is.Zero, $"{name} ({options}): not lossless, {count} samples differ from the source by up to {max}");
        }
        else
        {
            (max, _) = ReferenceTools.Difference(ours, samples);
            Assert.That(max, Is.GreaterThan(0), $"{name}: a lossy stream should lose something (the test would not tell)");
        }
    }
}
