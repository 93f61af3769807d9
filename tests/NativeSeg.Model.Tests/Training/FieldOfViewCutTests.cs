using NativeSeg.Imaging.Preprocessing;
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
    public void StretchMatchesAFloat64BilinearResampleOfTheKeptBox()
    {
        var (input, labels) = Body(channels: 2);
        var kept = new CropBox(0, 3, Width - 9, Height - 8, HasBody: true);
        labels[kept.Top * Width] = UncertainPleuralEdges.Uncertain;   // a label value the stretch must carry, not blend
        var cutInput = new float[input.Length];
        var cutLabels = new byte[labels.Length];
        FieldOfViewCut.Stretch(input, labels, Width, kept, cutInput, cutLabels);

        // Pixel centres at half-integers (the preprocessing's convention): output o samples the box at
        // (o + 0.5)·box/size − 0.5, clamped to the box; labels take the box pixel holding the output centre.
        for (int c = 0; c < 2; c++)
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            double sy = Math.Max((y + 0.5) * kept.Height / Height - 0.5, 0), sx = Math.Max((x + 0.5) * kept.Width / Width - 0.5, 0);
            int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, kept.Height - 1), x1 = Math.Min(x0 + 1, kept.Width - 1);
            double At(int row, int column) => input[c * Height * Width + (kept.Top + row) * Width + kept.Left + column];
            double expected = (1 - (sy - y0)) * ((1 - (sx - x0)) * At(y0, x0) + (sx - x0) * At(y0, x1))
                            + (sy - y0) * ((1 - (sx - x0)) * At(y1, x0) + (sx - x0) * At(y1, x1));
            Assert.That(cutInput[c * Height * Width + y * Width + x], Is.EqualTo(expected).Within(1e-5), $"channel {c} ({y}, {x})");
            int ly = kept.Top + (int)((y + 0.5) * kept.Height / Height), lx = kept.Left + (int)((x + 0.5) * kept.Width / Width);
            Assert.That(cutLabels[y * Width + x], Is.EqualTo(labels[ly * Width + lx]), $"label ({y}, {x})");
        }
        Assert.That(cutLabels.Count(l => l == UncertainPleuralEdges.Uncertain), Is.GreaterThan(0), "the uncertain label survives");
    }

    [Test]
    public void ACutSliceHasBodyOnItsBorderAndKeepsItsLung()
    {
        var (input, labels) = Body();
        Assert.That(Border(input).Max(), Is.Zero, "the uncut body lies inside the frame, as in the LCTSC series");
        var cutInput = new float[input.Length];
        var cutLabels = new byte[labels.Length];
        FieldOfViewCut.Stretch(input, labels, Width, new CropBox(8, 6, Width - 16, Height - 12, HasBody: true), cutInput, cutLabels);
        Assert.That(Border(cutInput).Count(v => v > 0.5f), Is.GreaterThan(20), "body wall runs off the cut slice's edges");
        int lungBefore = labels.Count(l => l == 1), lungAfter = cutLabels.Count(l => l == 1);
        Assert.That(lungAfter, Is.GreaterThan(lungBefore), "the lung, inside the kept box, is stretched, not cut away");
    }

    [Test]
    public void HalfTheSlicesAreCutByAtMostTheLimitAndTheStreamPositionIsFixed()
    {
        var cutting = new FieldOfViewCut(0.2);
        var random = new SeededRandom(11);
        int cut = 0, draws = 400;
        for (int n = 0; n < draws; n++)
        {
            if (cutting.DrawKept(random, Height, Width) is not CropBox kept) continue;
            cut++;
            Assert.That(new[] { kept.Left, Width - 1 - kept.Right }, Has.All.InRange(0, 0.2 * Width), "columns cut");
            Assert.That(new[] { kept.Top, Height - 1 - kept.Bottom }, Has.All.InRange(0, 0.2 * Height), "rows cut");
        }
        Assert.That(cut, Is.InRange(160, 240), "about half of 400");

        // Five numbers a slice whether it cuts or not.
        var a = new SeededRandom(2);
        var b = new SeededRandom(2);
        cutting.DrawKept(a, Height, Width);
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
