using System.Buffers.Binary;
using System.Diagnostics;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Codecs;

namespace NativeSeg.IO.Tests.Dicom.Codecs;

/// <summary>
/// Corrupt lossy JPEG and JPEG-LS code streams (from the committed fixtures of real CT) end in an
/// <see cref="InvalidInputException"/> that names the file and the frame, within bounded time: truncated at every
/// 2% of their length, with random bytes changed (fixed seed), and with absurd declared sizes.
/// </summary>
public class CorruptJpegStreamTests
{
    private const string Path = "corrupt.dcm";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    private delegate void Decoder(ReadOnlySpan<byte> data, int rows, int columns, Span<int> samples, string path, int frame);

    private static IEnumerable<TestCaseData> Streams()
    {
        foreach (var name in new[] { "ct_small_jpeg_baseline.dcm", "ct_small_jpeg_extended.dcm", "ct_case009_baseline_restart_3frames.dcm", "ct_case009_progressive_restart.dcm" })
            yield return new TestCaseData(name).SetArgDisplayNames(name);
        foreach (var name in new[] { "ct_small_jpegls.dcm", "ct_small_jpegls_near.dcm" })
            yield return new TestCaseData(name).SetArgDisplayNames(name);
    }

    private static (byte[] Stream, int Rows, int Columns, Decoder Decode) Load(string name)
    {
        var file = DicomFile.Open(DicomTestData.Fixture(name));
        var format = DicomPixelFormat.Read(file);
        var stream = file.Dataset.Find(DicomTags.PixelData)!.Fragments!.Fragment(0).ToArray();
        Decoder decode = file.TransferSyntax.PixelEncoding == PixelEncoding.JpegLs ? JpegLsDecoder.Decode : JpegDctDecoder.Decode;
        return (stream, format.Rows, format.Columns, decode);
    }

    /// <summary>Runs one decode on a worker with a time limit; returns the refusal, or null when it decoded.</summary>
    private static InvalidInputException? Attempt(Decoder decode, byte[] data, int rows, int columns, string description)
    {
        var watch = Stopwatch.StartNew();
        var work = Task.Run(() =>
        {
            try
            {
                decode(data, rows, columns, new int[rows * columns], Path, 0);
                return null;
            }
            catch (InvalidInputException e)
            {
                return e;
            }
        });
        Assert.That(work.Wait(Limit), Is.True, $"{description}: no answer within {Limit.TotalSeconds} s");
        if (work.IsFaulted) Assert.Fail($"{description}: {work.Exception!.InnerException}");
        var refusal = work.Result;
        if (refusal is not null)
        {
            Assert.That(refusal.Path, Is.EqualTo(Path), description);
            Assert.That(refusal.Reason, Does.Contain("frame 1"), description);
        }
        return refusal;
    }

    [TestCaseSource(nameof(Streams))]
    public void TruncatedStreamsAreRefused(string name)
    {
        var (stream, rows, columns, decode) = Load(name);
        for (int percent = 0; percent < 98; percent += 2)
        {
            int length = stream.Length * percent / 100;
            Assert.That(Attempt(decode, stream[..length], rows, columns, $"cut at {length} of {stream.Length} bytes"), Is.Not.Null, $"cut at {length}");
        }
    }

    [TestCaseSource(nameof(Streams))]
    public void ChangedBytesAreRefusedOrDecodeWithinBounds(string name)
    {
        var (stream, rows, columns, decode) = Load(name);
        var random = new Random(20261204);
        int refused = 0;
        const int Mutants = 150;
        for (int n = 0; n < Mutants; n++)
        {
            var bytes = (byte[])stream.Clone();
            int changes = 1 + random.Next(4);
            var description = new List<string>();
            for (int c = 0; c < changes; c++)
            {
                int at = random.Next(bytes.Length);
                byte value = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
                description.Add($"byte {at} := 0x{value:X2}");
                bytes[at] = value;
            }
            if (Attempt(decode, bytes, rows, columns, string.Join(", ", description)) is not null) refused++;
        }
        TestContext.Out.WriteLine($"{name}: {refused} of {Mutants} mutants refused, the rest decoded");
        Assert.That(refused, Is.GreaterThan(Mutants / 10), "the mutations reach the decoder's checks");
    }

    /// <summary>
    /// A frame header declaring 4096×4096 (and a DICOM header agreeing) over a 128×128 stream: decoding stops at the end
    /// of the data instead of decoding 16 million samples from zero bits; 65535×65535 is refused before any allocation.
    /// </summary>
    [TestCaseSource(nameof(Streams))]
    public void AbsurdDeclaredSizesAreRefusedQuickly(string name)
    {
        var (stream, _, _, decode) = Load(name);
        var bytes = (byte[])stream.Clone();
        int sof = FindFrameHeader(bytes);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 5), 4096);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 7), 4096);
        var watch = Stopwatch.StartNew();
        var refusal = Attempt(decode, bytes, 4096, 4096, "4096×4096");
        Assert.That(refusal, Is.Not.Null);
        TestContext.Out.WriteLine($"{name} as 4096×4096: {refusal!.Reason} after {watch.ElapsedMilliseconds} ms");

        var file = File.ReadAllBytes(DicomTestData.Fixture(name));
        foreach (var element in (byte[][])[[0x28, 0, 0x10, 0, (byte)'U', (byte)'S', 2, 0], [0x28, 0, 0x11, 0, (byte)'U', (byte)'S', 2, 0]])
        {
            int at = file.AsSpan().IndexOf(element);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 8), 65535);
        }
        var e = Assert.Throws<InvalidInputException>(() => DicomPixelDecoder.DecodeStoredValues(DicomFile.Parse(file, Path)))!;
        Assert.That(e.Reason, Does.Contain("65535×65535"));
    }

    /// <summary>The offset of the SOF0/SOF1/SOF2/SOF55 marker; its height follows at +5, its width at +7.</summary>
    private static int FindFrameHeader(byte[] stream)
    {
        for (int i = 0; i + 1 < stream.Length; i++)
            if (stream[i] == 0xFF && stream[i + 1] is 0xC0 or 0xC1 or 0xC2 or 0xF7) return i;
        throw new InvalidOperationException("no frame header");
    }
}
