namespace NativeSeg.Model.Training;

/// <summary>
/// Labels the lung's edge as uncertain where the image shows no edge: where the lung next to it is dense (consolidation
/// against the chest wall), lung and chest wall have the same density and the label's boundary is a guess the network
/// cannot check. Trained on such edges with hard labels, HighResNet learns to push every pleural boundary outward
/// (weights/README.md, issue 16). Uncertain pixels get the soft label 1/C per class (<see cref="OneHot"/>); under
/// Dice-NS a pixel with g = ½ pulls its lung probability with (1 − D)/den instead of ±1/den, about 3 % of a labelled
/// pixel's at D ≈ 0.97, so the band is nearly ignored, while the consolidation's interior and every visible edge stay
/// supervised. Needs only the CT and the lung label, so real and simulated cases are treated alike; the trainer's
/// validation Dice leaves uncertain pixels out (it has no class to compare them with).
///
/// Where: "dense" is the inner ring of <see cref="PleuralDensityOversampling"/> (one pixel inside the mask's edge,
/// beyond the edge's partial-volume blend) above −300 HU. Every edge pixel (lung or background with a 4-neighbour of the
/// other class) within 2 pixels (square) of a dense ring pixel is an invisible edge, and every pixel within
/// <c>radius</c> (square) of an invisible edge becomes <see cref="Uncertain"/>, on both sides.
/// </summary>
public static class UncertainPleuralEdges
{
    /// <summary>The label value of a pixel whose class is not known (neither 0 nor 1).</summary>
    public const byte Uncertain = 255;

    /// <summary>How far (square distance, pixels) an edge pixel may lie from a dense ring pixel to count as invisible.</summary>
    private const int RingReach = 2;

    /// <summary>Marks the uncertain band of <paramref name="labels"/> (0/1, h×w) in place; returns how many pixels it marked.</summary>
    public static int Mark(byte[] labels, ReadOnlySpan<float> intensity, int height, int width, int radius)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        int plane = height * width;
        if (labels.Length != plane || intensity.Length < plane)
            throw new ArgumentException($"a {height}×{width} slice needs {plane} labels and intensities.");
        if (radius == 0) return 0;

        var denseRing = PleuralDensityOversampling.InnerRing(labels, height, width);
        for (int i = 0; i < plane; i++) denseRing[i] &= intensity[i] > PleuralDensityOversampling.DenseIntensity;
        var nearDense = Dilated(denseRing, height, width, RingReach);
        var invisibleEdge = new bool[plane];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = y * width + x;
            if (!nearDense[i]) continue;
            byte own = labels[i];
            invisibleEdge[i] = (x > 0 && labels[i - 1] != own) || (x < width - 1 && labels[i + 1] != own)
                || (y > 0 && labels[i - width] != own) || (y < height - 1 && labels[i + width] != own);
        }
        var band = Dilated(invisibleEdge, height, width, radius);
        int marked = 0;
        for (int i = 0; i < plane; i++)
        {
            if (!band[i]) continue;
            labels[i] = Uncertain;
            marked++;
        }
        return marked;
    }

    /// <summary>
    /// One-hot labels [C, plane] of class indices [plane]; an <see cref="Uncertain"/> pixel gets 1/C in every class.
    /// </summary>
    public static void OneHot(ReadOnlySpan<byte> labels, int classes, Span<float> destination)
    {
        int plane = labels.Length;
        destination[..(classes * plane)].Clear();
        float share = 1f / classes;
        for (int i = 0; i < plane; i++)
        {
            if (labels[i] == Uncertain)
            {
                for (int c = 0; c < classes; c++) destination[c * plane + i] = share;
                continue;
            }
            destination[labels[i] * plane + i] = 1f;
        }
    }

    /// <summary>Square dilation by <paramref name="reach"/> pixels (rows, then columns: separable).</summary>
    private static bool[] Dilated(bool[] source, int height, int width, int reach)
    {
        var rows = new bool[source.Length];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            if (!source[y * width + x]) continue;
            for (int dx = Math.Max(0, x - reach); dx <= Math.Min(width - 1, x + reach); dx++) rows[y * width + dx] = true;
        }
        var result = new bool[source.Length];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            if (!rows[y * width + x]) continue;
            for (int dy = Math.Max(0, y - reach); dy <= Math.Min(height - 1, y + reach); dy++) result[dy * width + x] = true;
        }
        return result;
    }
}
