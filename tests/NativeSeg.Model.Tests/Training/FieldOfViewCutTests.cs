using NativeSeg.Model.Randomness;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Training;

public class FieldOfViewCutTests
{
    private const int Height = 40, Width = 56;

    /// <summary>A body (ellipse of soft tissue, intensity 1) inside an air frame with two lungs (intensity 0.15, label 1).</summary>
    private static (float[] Input, byte[] Labels) Body(int channels = 1)
    {
        var input = new float[channels * Height * Width];
        var labels = new byte[Height * Width];
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            double by = (y - 19.5) / 17, bx = (x - 27.5) / 25;
            bool body = by * by + bx * bx <= 1;
            bool lung = body && Math.Abs(x - 27.5) is > 4 and < 18 && Math.Abs(y - 19.5) < 10;
            for (int c = 0; c < channels; c++)
                input[c * Height * Width + y * Width + x] = lung ? 0.15f + 0.01f * c : body ? 1.0f - 0.01f * c : 0f;
            labels[y * Width + x] = lung ? (byte)1 : (byte)0;
        }
        return (input, labels);
    }

    [Test]
    public void OffDrawsNothingAndLeavesTheSliceAlone()
    {
        var (input, labels) = Body();
        var random = new SeededRandom(5);
        var expected = new SeededRandom(5);
        Assert.That(FieldOfViewCut.None.Apply(input, labels, Height, Width, random, new float[input.Length], new byte[labels.Length]), Is.False);
        Assert.That(random.NextUInt64(), Is.EqualTo(expected.NextUInt64()), "nothing was drawn");
    }

    [Test]
    public void StretchMatchesAFloat64BilinearResampleOfTheRemainingRectangle()
    {
        var (input, labels) = Body(channels: 2);
        var cut = (Top: 3.4, Bottom: 5.1, Left: 7.25, Right: 2.6);
        var cutInput = new float[input.Length];
        var cutLabels = new byte[labels.Length];
        FieldOfViewCut.Stretch(input, labels, Height, Width, cut, cutInput, cutLabels);

        // The corners land on the rectangle's corners; every pixel is the plain bilinear formula at its mapped position.
        double stepY = (Height - 1 - cut.Top - cut.Bottom) / (Height - 1), stepX = (Width - 1 - cut.Left - cut.Right) / (Width - 1);
        Assert.That(cut.Top + (Height - 1) * stepY, Is.EqualTo(Height - 1 - cut.Bottom).Within(1e-9));
        Assert.That(cut.Left + (Width - 1) * stepX, Is.EqualTo(Width - 1 - cut.Right).Within(1e-9));
        for (int c = 0; c < 2; c++)
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            double sy = cut.Top + y * stepY, sx = cut.Left + x * stepX;
            double expected = 0;
            for (int ny = (int)Math.Floor(sy); ny <= (int)Math.Floor(sy) + 1; ny++)
            for (int nx = (int)Math.Floor(sx); nx <= (int)Math.Floor(sx) + 1; nx++)
            {
                double weight = (1 - Math.Abs(sy - ny)) * (1 - Math.Abs(sx - nx));
                if (weight > 0) expected += weight * input[c * Height * Width + ny * Width + nx];
            }
            Assert.That(cutInput[c * Height * Width + y * Width + x], Is.EqualTo(expected).Within(1e-5), $"channel {c} ({y}, {x})");
            Assert.That(cutLabels[y * Width + x], Is.EqualTo(labels[(int)Math.Round(sy) * Width + (int)Math.Round(sx)]), $"label ({y}, {x})");
        }
    }

    [Test]
    public void ACutSliceHasBodyOnItsBorderAndKeepsItsLung()
    {
        var (input, labels) = Body();
        Assert.That(Border(input).Max(), Is.Zero, "the uncut body lies inside the frame, as in the LCTSC series");
        var cutInput = new float[input.Length];
        var cutLabels = new byte[labels.Length];
        FieldOfViewCut.Stretch(input, labels, Height, Width, (6, 6, 8, 8), cutInput, cutLabels);
        Assert.That(Border(cutInput).Count(v => v > 0.5f), Is.GreaterThan(20), "body wall runs off the cut slice's edges");
        int lungBefore = labels.Count(l => l == 1), lungAfter = cutLabels.Count(l => l == 1);
        Assert.That(lungAfter, Is.GreaterThan(lungBefore), "the lung, inside the kept rectangle, is stretched, not cut away");
    }

    [Test]
    public void HalfTheSlicesAreCutByAtMostTheLimit()
    {
        var (input, labels) = Body();
        var cutting = new FieldOfViewCut(0.2);
        var random = new SeededRandom(11);
        var cutInput = new float[input.Length];
        var cutLabels = new byte[labels.Length];
        int cut = 0, draws = 400;
        for (int n = 0; n < draws; n++)
        {
            if (!cutting.Apply(input, labels, Height, Width, random, cutInput, cutLabels)) continue;
            cut++;
            // A cut of at most 20 % a side keeps the middle of the slice: its centre row stays inside the body.
            Assert.That(cutInput[(Height / 2) * Width + Width / 2], Is.GreaterThan(0.1f));
        }
        Assert.That(cut, Is.InRange(160, 240), "about half of 400");

        // Five numbers a slice whether it cuts or not: the stream's position is fixed.
        var a = new SeededRandom(2);
        var b = new SeededRandom(2);
        cutting.Apply(input, labels, Height, Width, a, cutInput, cutLabels);
        for (int k = 0; k < 5; k++) b.NextDouble();
        Assert.That(a.NextUInt64(), Is.EqualTo(b.NextUInt64()));
        Assert.That(new FieldOfViewCut(0.3).IsWithinLimits, Is.False);
        Assert.That(new FieldOfViewCut(double.NaN).IsWithinLimits, Is.False);
    }

    private static IEnumerable<float> Border(float[] plane)
    {
        for (int x = 0; x < Width; x++)
        {
            yield return plane[x];
            yield return plane[(Height - 1) * Width + x];
        }
        for (int y = 0; y < Height; y++)
        {
            yield return plane[y * Width];
            yield return plane[y * Width + Width - 1];
        }
    }
}
