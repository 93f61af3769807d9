using NativeSeg.Model.Randomness;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Training;

public class ScannerVariationTests
{
    [Test]
    public void OffChangesNothingAndDrawsNothing()
    {
        var image = Flat(32, 32, 0.5f);
        var random = new SeededRandom(3);
        string before = random.SaveState();
        ScannerVariation.None.Apply(image, 32, 32, random);
        Assert.That(random.SaveState(), Is.EqualTo(before));
        Assert.That(image.All(v => v == 0.5f));
        Assert.That(new TrainerOptions { OutputDirectory = "x" }.Recipe, Is.EqualTo(TrainerOptions.PaperRecipe),
            "runs without it keep the recipe words of older checkpoints");
        Assert.That(new TrainerOptions { OutputDirectory = "x", ScannerVariation = new ScannerVariation(25, 1) }.Recipe,
            Does.Contain("noise SD ≤ 25 HU, blur σ ≤ 1 px"), "a resume cannot drop it silently");
    }

    [Test]
    public void OnDrawsExactlyThreeNumbersPerSliceWhateverItsSize()
    {
        foreach (var (h, w) in new[] { (16, 24), (64, 48) })
        {
            var random = new SeededRandom(9);
            var expected = new SeededRandom(9);
            for (int k = 0; k < 3; k++) expected.NextUInt64();
            new ScannerVariation(30, 1.5).Apply(Flat(h, w, 0.4f), h, w, random);
            Assert.That(random.SaveState(), Is.EqualTo(expected.SaveState()), $"{h}×{w}");
        }
    }

    [Test]
    public void NoiseHasTheDrawnSdInsideTheBodyAndLeavesTheOutsideAtAir()
    {
        const int h = 200, w = 200;
        var image = Flat(h, w, 0.5f);
        for (int y = 0; y < h; y++) for (int x = 0; x < 20; x++) image[y * w + x] = 0; // air outside the body
        var random = new SeededRandom(12);
        var replay = SeededRandom.RestoreState(random.SaveState());
        replay.NextDouble(); // σ of the blur (off: MaxBlurPixels 0 draws it as 0)
        double drawnSd = replay.NextDouble(0, 40) / 1000.0;

        new ScannerVariation(MaxNoiseHu: 40).Apply(image, h, w, random);
        var inside = Enumerable.Range(0, h * w).Where(i => i % w >= 20).Select(i => (double)image[i]).ToArray();
        double mean = inside.Average(), sd = Math.Sqrt(inside.Select(v => (v - mean) * (v - mean)).Average());
        Assert.That(drawnSd, Is.GreaterThan(0.005), "the seed gives a noise level worth measuring");
        Assert.That(sd, Is.EqualTo(drawnSd).Within(0.03 * drawnSd));
        Assert.That(mean, Is.EqualTo(0.5).Within(0.001));
        Assert.That(Enumerable.Range(0, h * w).Where(i => i % w < 20).All(i => image[i] == 0), "outside stays air");
    }

    [Test]
    public void BlurKeepsAFlatImageAndSpreadsAnImpulseByItsSigma()
    {
        var flat = Flat(20, 30, 0.7f);
        ScannerVariation.GaussianBlur(flat, 20, 30, 1.3);
        Assert.That(flat.All(v => Math.Abs(v - 0.7f) < 1e-6f), "weights sum to 1 and edges pad by their value");

        const int n = 41;
        var impulse = new float[n * n];
        impulse[20 * n + 20] = 1;
        ScannerVariation.GaussianBlur(impulse, n, n, 1.5);
        double total = impulse.Sum(v => (double)v);
        double varianceX = Enumerable.Range(0, n * n).Sum(i => impulse[i] * Math.Pow(i % n - 20, 2)) / total;
        double varianceY = Enumerable.Range(0, n * n).Sum(i => impulse[i] * Math.Pow(i / n - 20, 2)) / total;
        Assert.That(total, Is.EqualTo(1).Within(1e-5));
        Assert.That(varianceX, Is.EqualTo(1.5 * 1.5).Within(0.02 * 2.25), "a Gaussian of σ 1.5 along rows");
        Assert.That(varianceY, Is.EqualTo(1.5 * 1.5).Within(0.02 * 2.25), "and along columns");
    }

    private static float[] Flat(int h, int w, float value) => Enumerable.Repeat(value, h * w).ToArray();
}
