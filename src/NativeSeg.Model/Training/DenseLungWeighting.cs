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
/// </summary>
public sealed class DenseLungWeighting
{
    /// <summary>No weighting: every pixel 1, the paper's loss.</summary>
    public static DenseLungWeighting None { get; } = new(1);

    /// <summary>The most weight a dense lung pixel may get.</summary>
    public const float WeightLimit = 100;

    public DenseLungWeighting(float weight)
    {
        if (!(weight >= 1 && weight <= WeightLimit))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"A dense-lung weight lies between 1 and {WeightLimit}.");
        Weight = weight;
    }

    /// <summary>The loss weight of a dense lung pixel inside the lung's edge.</summary>
    public float Weight { get; }

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
    }

    public override string ToString() => $"dense lung weight ×{Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
