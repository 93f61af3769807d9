using System.Globalization;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Training;

/// <summary>
/// A reconstruction field of view that cuts through the body, applied to a prepared training slice. The preprocessing
/// crops each slice to the body's bounding box, so a series whose field of view is smaller than the patient (the CIP
/// volume: body on the image border in every slice) reaches the network with the body wall running off the slice's
/// edges, stretched to fill it; the LCTSC series never do (`weights/evaluation/severe-seeds/fov-border.py`), and a
/// network trained on them takes that cut body wall for lung (session 19). With probability ½ each slice loses up to
/// <see cref="MaxCutFraction"/> of its height at the top and at the bottom and of its width at the left and at the
/// right (four independent fractions), and what is left is stretched back over the whole slice: the input bilinearly,
/// the labels by nearest neighbour (lung cut by the edge stays lung). When off (<see cref="None"/>) nothing is drawn;
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
        if (!IsEnabled) return false;
        bool cut = random.NextDouble() < 0.5;
        double top = random.NextDouble(0, MaxCutFraction) * height, bottom = random.NextDouble(0, MaxCutFraction) * height;
        double left = random.NextDouble(0, MaxCutFraction) * width, right = random.NextDouble(0, MaxCutFraction) * width;
        if (!cut) return false;
        Stretch(input, labels, height, width, (top, bottom, left, right), cutInput, cutLabels);
        return true;
    }

    /// <summary>
    /// Stretches the rectangle that remains after cutting these many pixels off each side over the whole slice: output
    /// pixel (y, x) samples the source at (top + y·sy, left + x·sx), with sy, sx mapping the first and last output
    /// pixel onto the rectangle's first and last source position.
    /// </summary>
    public static void Stretch(ReadOnlySpan<float> input, ReadOnlySpan<byte> labels, int height, int width,
        (double Top, double Bottom, double Left, double Right) cut, Span<float> cutInput, Span<byte> cutLabels)
    {
        int plane = height * width, channels = input.Length / plane;
        double stepY = height > 1 ? (height - 1 - cut.Top - cut.Bottom) / (height - 1) : 0;
        double stepX = width > 1 ? (width - 1 - cut.Left - cut.Right) / (width - 1) : 0;
        for (int y = 0; y < height; y++)
        {
            double sy = cut.Top + y * stepY;
            int y0 = Math.Min((int)sy, height - 1), y1 = Math.Min(y0 + 1, height - 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++)
            {
                double sx = cut.Left + x * stepX;
                int x0 = Math.Min((int)sx, width - 1), x1 = Math.Min(x0 + 1, width - 1);
                double fx = sx - x0;
                int index = y * width + x;
                cutLabels[index] = labels[Math.Min((int)Math.Round(sy), height - 1) * width + Math.Min((int)Math.Round(sx), width - 1)];
                for (int c = 0; c < channels; c++)
                {
                    var source = input.Slice(c * plane, plane);
                    double value = (1 - fy) * ((1 - fx) * source[y0 * width + x0] + fx * source[y0 * width + x1])
                                 + fy * ((1 - fx) * source[y1 * width + x0] + fx * source[y1 * width + x1]);
                    cutInput[c * plane + index] = (float)value;
                }
            }
        }
    }
}
