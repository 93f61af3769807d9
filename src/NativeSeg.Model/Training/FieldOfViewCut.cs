using System.Globalization;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Training;

/// <summary>
/// A reconstruction field of view that cuts through the body, applied to a prepared training slice. The preprocessing
/// crops each slice to the body's bounding box, so a series whose field of view is smaller than the patient (the CIP
/// volume: body on the image border in every slice) reaches the network with the body wall running off the slice's
/// edges, stretched to fill it; the LCTSC series never do (`weights/evaluation/severe-seeds/fov-border.py`), and the
/// session-19 severe-seeds network took that cut body wall for lung. With probability ½ each slice loses up to
/// <see cref="MaxCutFraction"/> of its height at the top and at the bottom and of its width at the left and at the
/// right (four independent fractions, whole pixels), and what is left is stretched back over the whole slice as the
/// preprocessing stretches a body's box (<see cref="Stretch"/>). When off (<see cref="None"/>) nothing is drawn;
/// when on, exactly five numbers per slice (whether, then the four cuts), so the stream's position depends only on the
/// number of slices seen.
/// </summary>
public sealed record FieldOfViewCut(double MaxCutFraction = 0)
{
    /// <summary>A quarter of each side: more would leave little of a lung whose body the field of view holds.</summary>
    public const double CutLimit = 0.25;

    public static FieldOfViewCut None => new();

    public bool IsEnabled => MaxCutFraction > 0;

    public bool IsWithinLimits => MaxCutFraction is >= 0 and <= CutLimit;

    /// <summary>For the recipe and the weights' metadata (which add it only when <see cref="IsEnabled"/>).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"field-of-view cut: half the slices, ≤ {MaxCutFraction} of each side");

    /// <summary>
    /// Draws whether and how much to cut; when it cuts, writes the cut slice into <paramref name="cutInput"/> and
    /// <paramref name="cutLabels"/> (the sizes of the source) and returns true. The source is left unchanged.
    /// </summary>
    public bool Apply(ReadOnlySpan<float> input, ReadOnlySpan<byte> labels, int height, int width, SeededRandom random,
        Span<float> cutInput, Span<byte> cutLabels)
    {
        if (DrawKept(random, height, width) is not CropBox kept) return false;
        Stretch(input, labels, width, kept, cutInput, cutLabels);
        return true;
    }

    /// <summary>The part of a slice the field of view keeps, or null for a slice left whole (and when off, which draws nothing).</summary>
    public CropBox? DrawKept(SeededRandom random, int height, int width)
    {
        if (!IsEnabled) return null;
        bool cut = random.NextDouble() < 0.5;
        int top = Pixels(random, height), bottom = Pixels(random, height), left = Pixels(random, width), right = Pixels(random, width);
        return cut ? new CropBox(left, top, width - left - right, height - top - bottom, HasBody: true) : null;
    }

    private int Pixels(SeededRandom random, int size) => (int)(random.NextDouble(0, MaxCutFraction) * size);

    /// <summary>
    /// Stretches the kept box over the whole slice as the preprocessing stretches a body's bounding box
    /// (<see cref="BilinearResize"/>: the input bilinearly); the labels by nearest neighbour under the same pixel-centre
    /// convention, so lung cut by the edge stays lung and an uncertain label stays uncertain.
    /// </summary>
    public static void Stretch(ReadOnlySpan<float> input, ReadOnlySpan<byte> labels, int width, CropBox kept,
        Span<float> cutInput, Span<byte> cutLabels)
    {
        int plane = labels.Length, height = plane / width;
        for (int c = 0; c < input.Length / plane; c++)
            BilinearResize.Resize(input.Slice(c * plane, plane), width, kept, cutInput.Slice(c * plane, plane), width, height);
        for (int y = 0; y < height; y++)
        {
            int sourceRow = kept.Top + Nearest(y, kept.Height, height);
            for (int x = 0; x < width; x++)
                cutLabels[y * width + x] = labels[sourceRow * width + kept.Left + Nearest(x, kept.Width, width)];
        }
    }

    /// <summary>The source pixel whose extent holds output pixel <paramref name="output"/>'s centre.</summary>
    private static int Nearest(int output, int sourceSize, int outputSize) =>
        Math.Min((int)((output + 0.5) * sourceSize / outputSize), sourceSize - 1);
}
