using NativeSeg.Imaging.Preprocessing;


namespace NativeSeg.Imaging.Tests.Preprocessing;

/// <summary>Values of torch.nn.functional.interpolate(mode="bilinear", align_corners=False), worked by hand.</summary>
[TestFixture]
public class BilinearResizeTests
{
    private static float[] Resize(float[] source, int width, int height, int outWidth, int outHeight)
    {
        var output = new float[outWidth * outHeight];
        BilinearResize.Resize(source, width, new CropBox(0, 0, width, height, true), output, outWidth, outHeight);
        return output;
    }

    [Test]
    public void UpsamplingClampsAtTheEdges() =>
        // torch: interpolate([[0, 1]], size=4) = [0, 0.25, 0.75, 1]
        Assert.That(Resize([0, 1], 2, 1, 4, 1), Is.EqualTo(new[] { 0f, 0.25f, 0.75f, 1f }));

    [Test]
    public void DownsamplingSamplesBetweenPixelCentres() =>
        // torch: interpolate([[0, 1, 2, 3]], size=2) = [0.5, 2.5]
        Assert.That(Resize([0, 1, 2, 3], 4, 1, 2, 1), Is.EqualTo(new[] { 0.5f, 2.5f }));

    [Test]
    public void TwoDimensionsCombine()
    {
        // 2×2 [[0, 1], [2, 3]] to 3×3: sources at (o + 0.5)·2/3 − 0.5 = −1/6→0, 0.5, 7/6→(1, clamped).
        var output = Resize([0, 1, 2, 3], 2, 2, 3, 3);
        Assert.That(output, Is.EqualTo(new[] { 0f, 0.5f, 1f, 1f, 1.5f, 2f, 2f, 2.5f, 3f }).Within(1e-6));
    }

    [Test]
    public void SameSizeIsACopyAndCropsOffset()
    {
        var source = Enumerable.Range(0, 30).Select(i => (float)i).ToArray(); // 6 × 5
        var output = new float[6];
        BilinearResize.Resize(source, 6, new CropBox(2, 1, 3, 2, true), output, 3, 2);
        Assert.That(output, Is.EqualTo(new[] { 8f, 9f, 10f, 14f, 15f, 16f }));
    }

    [Test]
    public void BoxOutsideTheSourceIsRejected() =>
        Assert.Throws<ArgumentException>(() => BilinearResize.Resize(new float[30], 6, new CropBox(4, 0, 3, 2, true), new float[6], 3, 2));
}
