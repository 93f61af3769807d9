using System.Buffers.Binary;
using System.Diagnostics;
using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom;

/// <summary>
/// Mutates real files (truncation, flipped bytes, absurd lengths, wrong VRs) with a fixed seed. Every case must end in
/// success or <see cref="InvalidInputException"/>: never another exception type, never a hang.
/// </summary>
public class DicomFuzzTests
{
    private const int CasesPerSource = 400;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(2);

    private static readonly string[] Sources =
    [
        DicomTestData.Codec("pydicom_CT_small.dcm"),                 // explicit VR LE
        DicomTestData.Fixture("ct_small_implicit_le.dcm"),
        DicomTestData.Fixture("ct_small_explicit_be.dcm"),
        DicomTestData.Fixture("ct_small_deflated.dcm"),
        DicomTestData.Fixture("ct_small_rle.dcm"),
        DicomTestData.Fixture("ct_small_jpll_sv1_pt2.dcm"),
        DicomTestData.Fixture("ct_small_jpll_sv6.dcm"),
        DicomTestData.Fixture("ct_small_jpeg_extended.dcm"),
        DicomTestData.Fixture("ct_small_jpegls_near.dcm"),
        DicomTestData.Fixture("ct_case009_progressive_restart.dcm"), // progressive JPEG with restart intervals
        DicomTestData.Data("cip", "ct-64_dicom", "IMG0001.dcm"),    // implicit VR, real scanner header
    ];

    private static readonly string[] Vrs = ["SQ", "OB", "UN", "US", "UL", "DS", "FD", "UT", "AT", "XX", "\0\0"];

    [Test]
    public void MutatedFilesEndInSuccessOrInvalidInput()
    {
        var random = new Random(20261127);
        int cases = 0, succeeded = 0;
        var slowest = TimeSpan.Zero;
        var work = Task.Run(() =>
        {
            foreach (var source in Sources)
            {
                var original = File.ReadAllBytes(source);
                for (int n = 0; n < CasesPerSource; n++)
                {
                    var (bytes, description) = Mutate(original, random);
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        var file = DicomFile.Parse(bytes, "fuzz.dcm");
                        if (file.Dataset.Contains(DicomTags.PixelData))
                            DicomPixelDecoder.DecodeHounsfield(file);
                        _ = DicomSliceHeader.FromFile(file).ToList();
                        succeeded++;
                    }
                    catch (InvalidInputException e)
                    {
                        Assert.That(e.Path, Is.EqualTo("fuzz.dcm"));
                    }
                    catch (Exception e)
                    {
                        Assert.Fail($"{Path.GetFileName(source)} {description}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                    }
                    watch.Stop();
                    if (watch.Elapsed > slowest) slowest = watch.Elapsed;
                    Assert.That(watch.Elapsed, Is.LessThan(CaseLimit), $"{Path.GetFileName(source)} {description} took {watch.Elapsed}");
                    cases++;
                }
            }
        });
        if (!work.Wait(TimeSpan.FromSeconds(45)))
            Assert.Fail($"the fuzz run hung after {cases} cases");
        work.GetAwaiter().GetResult();
        TestContext.Out.WriteLine($"{cases} cases, {succeeded} parsed and decoded, slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.That(cases, Is.EqualTo(Sources.Length * CasesPerSource));
        Assert.That(succeeded, Is.GreaterThan(0).And.LessThan(cases));
    }

    private static (byte[] Bytes, string Description) Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0:
            {
                int cut = random.Next(bytes.Length);
                return (bytes[..cut], $"truncated at {cut}");
            }
            case 1:
            {
                int flips = 1 + random.Next(8);
                for (int i = 0; i < flips; i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} flipped bits (seeded)");
            }
            case 2:
            {
                // An absurd 32-bit length somewhere in the header area (most lengths live there).
                int at = random.Next(Math.Min(bytes.Length - 4, 4096));
                uint value = random.Next(4) switch { 0 => 0xFFFFFFFF, 1 => 0x7FFFFFFF, 2 => 0xFFFFFFF0, _ => (uint)random.Next() };
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
                return (bytes, $"length 0x{value:X8} at {at}");
            }
            case 3:
            {
                // A wrong VR: overwrite one of the first VR-looking byte pairs with another VR.
                var candidates = new List<int>();
                for (int i = 132; i + 1 < Math.Min(bytes.Length, 8192); i++)
                    if (bytes[i] is >= (byte)'A' and <= (byte)'Z' && bytes[i + 1] is >= (byte)'A' and <= (byte)'Z') candidates.Add(i);
                if (candidates.Count == 0) goto case 1;
                int pos = candidates[random.Next(candidates.Count)];
                var vr = Vrs[random.Next(Vrs.Length)];
                bytes[pos] = (byte)vr[0];
                bytes[pos + 1] = (byte)vr[1];
                return (bytes, $"VR {vr} at {pos}");
            }
            default:
            {
                // A run of random bytes, anywhere (hits pixel data, fragments and compressed streams too).
                int at = random.Next(bytes.Length), length = Math.Min(1 + random.Next(64), bytes.Length - at);
                random.NextBytes(bytes.AsSpan(at, length));
                return (bytes, $"{length} random bytes at {at}");
            }
        }
    }
}
