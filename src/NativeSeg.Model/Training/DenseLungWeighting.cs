namespace NativeSeg.Model.Training;

/// <summary>
/// Pixel weights for the Dice-NS loss that make dense lung count more: every lung pixel denser than −300 HU
/// (<see cref="PleuralDensityOversampling.DenseIntensity"/>) whose four neighbours are lung too gets
/// <see cref="Weight"/>, every other pixel 1. On a COVID-19 CT those pixels are the consolidation (and the larger
/// vessels): the shipped network leaves half the consolidation of its own training CTs out (weights/README.md,
/// issue 16), and under the unweighted loss that costs each slice little, because consolidation is a small part of a
/// slice's lung. The edge pixels themselves keep weight 1: where consolidation meets the chest wall the edge is not in
/// the image, and weighting it would teach the network to push every pleural boundary outward (the drift the
/// fine-tuning runs showed). Needs only the CT and the label, so real and simulated cases are treated alike.
/// <para>
/// Weighting the lung side alone still pushed the boundary outward (session 12: the normal CT's false positives, soft
/// tissue, rose by half). With <see cref="OutsideReach"/> R &gt; 0 the non-lung side gets the same weight: every non-lung
/// pixel whose four neighbours are non-lung too (the mirror of the lung side's rule, so both pixels that straddle the
/// label edge keep 1) and which lies within R pixels (in x and in y) of dense lung at the lung's edge. The chest wall
/// and mediastinum against consolidation then pull the boundary back as hard as the consolidation pulls it out.
/// Measured (weights/README.md, session 13): it does not; the false positives it was meant to hold back lie away from
/// any consolidation.
/// </para>
/// </summary>
public sealed class DenseLungWeighting
{
    /// <summary>No weighting: every pixel 1, the paper's loss.</summary>
    public static DenseLungWeighting None { get; } = new(1);

    /// <summary>The most weight a dense lung pixel may get.</summary>
    public const float WeightLimit = 100;

    /// <summary>The farthest, in pixels, the weight may reach beyond dense lung into the non-lung.</summary>
    public const int OutsideReachLimit = 16;

    public DenseLungWeighting(float weight, int outsideReach = 0)
    {
        if (!(weight >= 1 && weight <= WeightLimit))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"A dense-lung weight lies between 1 and {WeightLimit}.");
        if (outsideReach is < 0 or > OutsideReachLimit)
            throw new ArgumentOutOfRangeException(nameof(outsideReach), outsideReach, $"The weight reaches 0 to {OutsideReachLimit} pixels beyond dense lung.");
        if (outsideReach > 0 && weight == 1)
            throw new ArgumentException("Weighting the non-lung beside dense lung needs a dense-lung weight above 1.", nameof(outsideReach));
        Weight = weight;
        OutsideReach = outsideReach;
    }

    /// <summary>The loss weight of a dense lung pixel inside the lung's edge.</summary>
    public float Weight { get; }

    /// <summary>How many pixels beyond the dense edge of the lung the non-lung gets <see cref="Weight"/> too (0: the lung side only).</summary>
    public int OutsideReach { get; }

    public bool IsEnabled => Weight != 1;

    /// <summary>
    /// Writes the weights of an h×w slice: <paramref name="labels"/> are class indices (lung = 1),
    /// <paramref name="intensity"/> the CT channel after the preprocessing's (HU + 1000) / 1000.
    /// </summary>
    public void Fill(byte[] labels, ReadOnlySpan<float> intensity, int height, int width, Span<float> weights)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int plane = height * width;
        if (labels.Length != plane || intensity.Length < plane || weights.Length < plane)
            throw new ArgumentException($"a {height}×{width} slice needs {plane} labels, intensities and weights.");
        weights[..plane].Fill(1);
        if (!IsEnabled) return;
        // Called for every slice of every batch: tested in place, without an eroded copy of the mask.
        for (int y = 1; y < height - 1; y++)
            for (int x = 1; x < width - 1; x++)
            {
                int i = y * width + x;
                if (intensity[i] > PleuralDensityOversampling.DenseIntensity && PleuralDensityOversampling.IsInnerLung(labels, width, i))
                    weights[i] = Weight;
            }
        if (OutsideReach > 0) WeighNonLungBesideDenseLung(labels, intensity, height, width, weights);
    }

    // Scattered from each dense edge pixel of the lung over its (2R+1)² neighbourhood rather than gathered per non-lung
    // pixel: a slice has far fewer dense edge pixels than non-lung ones (none at all on most normal slices), so this
    // costs nothing where there is nothing to weigh, and it needs no dilated copy of the mask.
    private void WeighNonLungBesideDenseLung(byte[] labels, ReadOnlySpan<float> intensity, int height, int width, Span<float> weights)
    {
        int r = OutsideReach;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                bool onImageBorder = y == 0 || x == 0 || y == height - 1 || x == width - 1;
                if (labels[i] != 1 || intensity[i] <= PleuralDensityOversampling.DenseIntensity
                    || !onImageBorder && PleuralDensityOversampling.IsInnerLung(labels, width, i)) continue;
                for (int ny = Math.Max(1, y - r); ny <= Math.Min(height - 2, y + r); ny++)
                    for (int nx = Math.Max(1, x - r); nx <= Math.Min(width - 2, x + r); nx++)
                    {
                        int j = ny * width + nx;
                        if (IsInnerNonLung(labels, width, j)) weights[j] = Weight;
                    }
            }
    }

    /// <summary>Pixel j (not on the image border) and its four neighbours are all non-lung.</summary>
    private static bool IsInnerNonLung(byte[] labels, int w, int j) =>
        labels[j] != 1 && labels[j - 1] != 1 && labels[j + 1] != 1 && labels[j - w] != 1 && labels[j + w] != 1;

    public override string ToString() =>
        $"dense lung weight ×{Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        + (OutsideReach > 0 ? $", and the non-lung within {OutsideReach} px of its edge" : "");
}
