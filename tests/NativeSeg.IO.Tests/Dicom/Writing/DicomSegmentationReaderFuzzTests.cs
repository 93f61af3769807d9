using System.Buffers.Binary;
using System.Diagnostics;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Dicom.Writing;

/// <summary>
/// The SEG reader on damaged files: a real SEG (eight Chest Imaging Platform slices, implicit VR source, a mask of
/// their air-filled voxels) mutated 600 times with a fixed seed — overwritten bytes, absurd 32-bit lengths, truncation.
/// Every mutant either reads (and rasterises onto the series' grid) or is refused with an
/// <see cref="InvalidInputException"/> naming the file; never another exception, never a hang.
/// </summary>
public sealed class DicomSegmentationReaderFuzzTests
{
    [Test]
    public void DamagedSegsAreReadOrRefusedNamingTheFile()
    {
        using var folder = DicomTestData.NewTempFolder();
        string cip = folder.File("cip");
        Directory.CreateDirectory(cip);
        for (int i = 36; i < 44; i++)
            File.Copy(DicomTestData.Data("cip", "ct-64_dicom", $"IMG{i:D4}.dcm"), Path.Combine(cip, $"IMG{i:D4}.dcm"));
        var series = DicomSeriesReader.ReadSeries(cip);
        var labels = new Volume<byte>(series.Volume.Grid);
        for (int i = 0; i < labels.Voxels.Length; i++) labels.Voxels[i] = series.Volume.Voxels[i] < -500 ? (byte)1 : (byte)0;
        var (seed, _) = DicomSegmentationWriter.Encode(series.Source, labels, SegmentDefinition.BothLungs,
            new SegmentationAlgorithm("NativeSeg", "test", "w.safetensors", "1", new string('0', 64)));
        string path = folder.File("mutant.dcm");

        var random = new Random(20261204);
        int read = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        for (int m = 0; m < 600; m++)
        {
            var bytes = Mutate(seed, random, out string how);
            File.WriteAllBytes(path, bytes);
            try
            {
                DicomSegmentationReader.Read(path).ToLabelVolume(series.Volume.Grid);
                read++;
            }
            catch (InvalidInputException e)
            {
                Assert.That(e.Path, Is.EqualTo(path), how);
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutant {m} ({how}): {e.GetType().Name}: {e.Message}");
            }
        }
        TestContext.Out.WriteLine($"{read} read, {refused} refused in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(refused, Is.GreaterThan(100), "the mutations must reach the checks");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMinutes(1)), "bounded work per mutant");
    }

    private static byte[] Mutate(byte[] seed, Random random, out string how)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(3))
        {
            case 0:
            {
                int count = 1 + random.Next(8), at = random.Next(bytes.Length - count);
                random.NextBytes(bytes.AsSpan(at, count));
                how = $"{count} random bytes at {at}";
                return bytes;
            }
            case 1:
            {
                // Lengths and counts live in the header: aim there most of the time.
                int at = random.Next(Math.Min(bytes.Length, 4096) - 4);
                uint value = random.Next(3) switch { 0 => 0xFFFFFFFF, 1 => 0x7FFFFFF0, _ => (uint)random.Next() };
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
                how = $"0x{value:X8} at {at}";
                return bytes;
            }
            default:
            {
                int length = random.Next(bytes.Length);
                how = $"truncated to {length}";
                return bytes[..length];
            }
        }
    }
}
