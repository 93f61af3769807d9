using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Dicom.Codecs;

/// <summary>
/// A whole real series in JPEG-LS, read the way <c>nativeseg segment</c> reads its input: all 117 slices of LCTSC
/// Case_009 re-encoded by dcmcjpls must give exactly the HU volume, grid and affine of the uncompressed series (and
/// therefore the same mask).
/// </summary>
public class JpegLsSeriesTests
{
    [Test]
    public void JpegLsSeriesReadsToTheOriginalHounsfieldVolume()
    {
        using var temp = DicomTestData.NewTempFolder();
        var slices = Directory.GetFiles(DicomTestData.Case009Folder, "*.dcm");
        Parallel.ForEach(slices, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            slice => ReferenceTools.Run("dcmcjpls", slice, temp.File(Path.GetFileName(slice))));

        Volume<float> original = CtReader.Read(DicomTestData.Case009Folder), compressed = CtReader.Read(temp.Path);
        Assert.That(compressed.Grid.SizeX, Is.EqualTo(original.Grid.SizeX));
        Assert.That(compressed.Grid.SizeY, Is.EqualTo(original.Grid.SizeY));
        Assert.That(compressed.Grid.SizeZ, Is.EqualTo(117));
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                Assert.That(compressed.Grid.Affine[r, c], Is.EqualTo(original.Grid.Affine[r, c]), $"affine[{r},{c}]");
        Assert.That(compressed.Voxels.AsSpan().SequenceEqual(original.Voxels), Is.True, "HU voxels");
    }
}
