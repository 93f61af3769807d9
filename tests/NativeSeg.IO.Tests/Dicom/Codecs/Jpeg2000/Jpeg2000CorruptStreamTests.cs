using System.Buffers.Binary;
using System.Diagnostics;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Codecs.Jpeg2000;

namespace NativeSeg.IO.Tests.Dicom.Codecs.Jpeg2000;

/// <summary>
/// Damaged JPEG 2000 data: truncated streams, flipped bits and absurd header values (sizes, tiles, levels,
/// code-block sizes, layers, bit depths) must end in an <see cref="InvalidInputException"/> naming the file and the
/// frame, within bounded time; a flipped bit inside coded data may also decode to other values, never crash or hang.
/// </summary>
public class Jpeg2000CorruptStreamTests
{
    private const string FileName = "damaged.dcm";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>A real lossless code stream (TotalSegmentator slice, 512×512, 12-bit) and a rich lossy one (the fuzz seed).</summary>
    private static byte[] RealCodestream => ReferenceTools.FrameBytes(Directory.GetFiles(DicomTestData.Data("dicom", "totalseg_j2k")).Order().First());

    private static byte[] RichCodestream => ReferenceTools.FrameBytes(DicomTestData.Fixture("ct_small_j2k_rich.dcm"));

    [Test]
    public void TruncatedStreamsNameTheFileAndFrame()
    {
        var stream = RealCodestream;
        foreach (int length in new[] { 0, 1, 2, 30, 60, 200, stream.Length / 10, stream.Length / 2, stream.Length - 40, stream.Length - 3 })
        {
            var e = DecodeExpectingRefusal(stream[..length], 512, 512, 3);
            Assert.That(e, Is.Not.Null, $"a stream cut to {length} of {stream.Length} bytes was accepted");
        }
        // Without the EOC marker alone nothing is missing: OpenJPEG decodes it too, and so do we.
        Assert.DoesNotThrow(() => Decode(stream[..^2], 512, 512, 3));
    }

    [Test]
    public void FlippedBitsAreRefusedOrDecodedNeverACrash()
    {
        var random = new Random(20261204);
        int refused = 0, decoded = 0;
        foreach (var (stream, size) in new[] { (RealCodestream, 512), (RichCodestream, 128) })
        {
            for (int mutant = 0; mutant < (size == 512 ? 40 : 160); mutant++)
            {
                var bytes = (byte[])stream.Clone();
                int flips = 1 + random.Next(4);
                // Half the mutants hit the headers (first 300 bytes), half anywhere.
                for (int i = 0; i < flips; i++)
                    bytes[mutant % 2 == 0 ? random.Next(Math.Min(300, bytes.Length)) : random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                if (DecodeExpectingRefusal(bytes, size, size, mutant, allowAcceptance: true) is null) decoded++;
                else refused++;
            }
        }
        TestContext.Out.WriteLine($"{refused} refused, {decoded} decoded");
        Assert.That(refused, Is.GreaterThan(20), "header damage is caught");
        Assert.That(decoded, Is.GreaterThan(20), "damage inside coded data still decodes, as in other decoders");
    }

    private static IEnumerable<TestCaseData> AbsurdHeaders()
    {
        // Offsets from the marker: SIZ: FF51 Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4) XTsiz(4) YTsiz(4) XTOsiz(4) YTOsiz(4) Csiz(2) Ssiz …
        yield return new TestCaseData("image 4G wide", (Action<byte[]>)(s => U32(s, Siz(s) + 6, 0xFFFFFFF0)), "4294967280");
        yield return new TestCaseData("1x1 tiles", (Action<byte[]>)(s => { U32(s, Siz(s) + 22, 1); U32(s, Siz(s) + 26, 1); }), "tiles");
        yield return new TestCaseData("no components", (Action<byte[]>)(s => U16(s, Siz(s) + 38, 0)), "components");
        yield return new TestCaseData("16384 components", (Action<byte[]>)(s => U16(s, Siz(s) + 38, 16384)), "components");
        yield return new TestCaseData("38-bit samples", (Action<byte[]>)(s => s[Siz(s) + 40] = 37), "38-bit");
        yield return new TestCaseData("zero subsampling", (Action<byte[]>)(s => s[Siz(s) + 41] = 0), "subsampling");
        // COD: FF52 Lcod(2) Scod(1) order(1) layers(2) MCT(1) levels(1) xcb(1) ycb(1) style(1) wavelet(1)
        yield return new TestCaseData("65535 layers", (Action<byte[]>)(s => U16(s, Cod(s) + 6, 65535)), "packets");
        yield return new TestCaseData("0 layers", (Action<byte[]>)(s => U16(s, Cod(s) + 6, 0)), "layers");
        yield return new TestCaseData("200 levels", (Action<byte[]>)(s => s[Cod(s) + 9] = 200), "levels");
        yield return new TestCaseData("32 levels", (Action<byte[]>)(s => s[Cod(s) + 9] = 32), "");
        yield return new TestCaseData("code-blocks 2^17", (Action<byte[]>)(s => { s[Cod(s) + 10] = 15; s[Cod(s) + 11] = 15; }), "code-block size");
        yield return new TestCaseData("progression 9", (Action<byte[]>)(s => s[Cod(s) + 5] = 9), "progression");
        yield return new TestCaseData("precincts announced, not given", (Action<byte[]>)(s => s[Cod(s) + 4] |= 1), "precinct");
        yield return new TestCaseData("wavelet 7", (Action<byte[]>)(s => s[Cod(s) + 13] = 7), "wavelet");
        yield return new TestCaseData("high-throughput blocks", (Action<byte[]>)(s => s[Cod(s) + 12] = 64), "High-Throughput");
        // QCD: FF5C Lqcd(2) Sqcd(1): 7 guard bits make 30+ bit-planes.
        yield return new TestCaseData("7 guard bits", (Action<byte[]>)(s => s[Qcd(s) + 4] |= 0xE0), "");
        yield return new TestCaseData("tile-part past the end", (Action<byte[]>)(s => U32(s, Sot(s) + 6, 0x7FFFFFF0)), "past the end");
        yield return new TestCaseData("tile index 9", (Action<byte[]>)(s => U16(s, Sot(s) + 4, 9)), "tile 9");
        yield return new TestCaseData("no SOC", (Action<byte[]>)(s => s[1] = 0x4E), "SOC");
    }

    [TestCaseSource(nameof(AbsurdHeaders))]
    public void AbsurdHeaderValuesAreRefused(string name, Action<byte[]> damage, string reason)
    {
        var bytes = RealCodestream;
        damage(bytes);
        var e = DecodeExpectingRefusal(bytes, 512, 512, 7, allowAcceptance: reason.Length == 0);
        if (reason.Length > 0)
        {
            Assert.That(e, Is.Not.Null, $"{name} was accepted");
            Assert.That(e!.Reason, Does.Contain(reason), name);
        }
    }

    [Test]
    public void DamagedFrameInADicomFileNamesTheFileAndFrame()
    {
        using var scratch = DicomTestData.NewTempFolder();
        var original = File.ReadAllBytes(DicomTestData.Fixture("ct_small_j2k.dcm"));
        // The code stream is the last fragment: keep its first half (an even length) and close the sequence again.
        int soc = original.AsSpan().IndexOf([(byte)0xFF, (byte)0x4F, (byte)0xFF, (byte)0x51]);
        int kept = (original.Length - soc) / 2 & ~1;
        var bytes = original[..(soc + kept)].Concat(new byte[] { 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0 }).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(soc - 4), (uint)kept);
        string path = scratch.File(FileName);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidInputException>(() => CtReader.Read(path))!;
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Reason, Does.StartWith("frame 0: the JPEG 2000 data cannot be decoded"));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    private static void Decode(byte[] bytes, int rows, int columns, int frame) =>
        Jpeg2000Decoder.Decode(bytes, rows, columns, new int[rows * columns], FileName, frame);

    /// <summary>Decodes on a worker with a time limit; the refusal, or null when the data decoded.</summary>
    private static InvalidInputException? DecodeExpectingRefusal(byte[] bytes, int rows, int columns, int frame, bool allowAcceptance = false)
    {
        InvalidInputException? refusal = null;
        Exception? other = null;
        var watch = Stopwatch.StartNew();
        var task = Task.Run(() =>
        {
            try { Decode(bytes, rows, columns, frame); }
            catch (InvalidInputException e) { refusal = e; }
            catch (Exception e) { other = e; }
        });
        Assert.That(task.Wait(Limit), Is.True, $"decoding did not finish in {Limit.TotalSeconds} s");
        Assert.That(other, Is.Null, $"not an InvalidInputException: {other}");
        if (refusal is not null)
        {
            Assert.That(refusal.Path, Is.EqualTo(FileName));
            Assert.That(refusal.Reason, Does.StartWith($"frame {frame}: "));
        }
        else if (!allowAcceptance)
        {
            return null;
        }
        return refusal;
    }

    private static int Marker(byte[] s, int marker)
    {
        for (int i = 0; i + 1 < s.Length; i++)
            if (s[i] == 0xFF && s[i + 1] == marker) return i;
        throw new AssertionException($"no marker FF{marker:X2}");
    }

    private static int Siz(byte[] s) => Marker(s, 0x51);
    private static int Cod(byte[] s) => Marker(s, 0x52);
    private static int Qcd(byte[] s) => Marker(s, 0x5C);
    private static int Sot(byte[] s) => Marker(s, 0x90);
    private static void U16(byte[] s, int at, int v) => BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(at), (ushort)v);
    private static void U32(byte[] s, int at, uint v) => BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(at), v);
}
