using System.Globalization;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Training;

/// <summary>
/// What another scanner or reconstruction does to the same anatomy, applied to a prepared training slice (input
/// units: HU/1000 above −1000 HU, clipped to [0, 1.3]): a smoother kernel or thicker slices blur the image (a Gaussian
/// of σ uniform in [0, <see cref="MaxBlurPixels"/>] network pixels), a lower dose or a sharper kernel adds noise (white
/// Gaussian noise of SD uniform in [0, <see cref="MaxNoiseHu"/>] HU). Scanner offsets and patient size are already
/// <see cref="SliceAugmentation"/>'s intensity shift and scaling. The labels do not change.
/// <para>
/// Noise goes only where the slice is above 0 (inside the body: the preprocessing sets the outside to air, 0) and the
/// result is clipped to [0, 1.3] as the preprocessing clips a real noisy scan. Blurring pads by the edge value, so the
/// body's border does not darken. When off (<see cref="None"/>) nothing is drawn from the stream, so runs without it
/// draw the numbers they always drew; when on, exactly three numbers per slice (σ, SD, the noise's own seed), so the
/// stream's position depends only on the number of slices seen.
/// </para>
/// </summary>
public sealed record ScannerVariation(double MaxNoiseHu = 0, double MaxBlurPixels = 0)
{
    private const float MaxInput = 1.3f;

    /// <summary>The largest settings accepted: a noise SD well past a low-dose scan's, a blur past a 5 mm slice's.</summary>
    public const double NoiseLimitHu = 200, BlurLimitPixels = 4;

    public static ScannerVariation None => new();

    public bool IsEnabled => MaxNoiseHu > 0 || MaxBlurPixels > 0;

    public bool IsWithinLimits => MaxNoiseHu is >= 0 and <= NoiseLimitHu && MaxBlurPixels is >= 0 and <= BlurLimitPixels;

    /// <summary>For the recipe and the weights' metadata (which add it only when <see cref="IsEnabled"/>).</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"scanner variation: noise SD ≤ {MaxNoiseHu} HU, blur σ ≤ {MaxBlurPixels} px");

    /// <summary>Blurs, then adds noise to, every channel of one slice in place.</summary>
    public void Apply(Span<float> input, int height, int width, SeededRandom random)
    {
        if (!IsEnabled) return;
        double sigma = random.NextDouble(0, MaxBlurPixels);
        double noiseSd = random.NextDouble(0, MaxNoiseHu) / 1000.0;
        var noise = new SeededRandom(random.NextUInt64());
        int plane = height * width;
        for (int c = 0; c < input.Length / plane; c++)
        {
            var channel = input.Slice(c * plane, plane);
            GaussianBlur(channel, height, width, sigma);
            for (int i = 0; i < channel.Length; i++)
                if (channel[i] > 0)
                    channel[i] = Math.Clamp(channel[i] + (float)(noiseSd * noise.NextGaussian()), 0f, MaxInput);
        }
    }

    /// <summary>
    /// Separable Gaussian (radius ⌈3σ⌉, weights normalised to 1), rows then columns, edge-value padding. Runs for every
    /// training slice, so its two buffers live on the stack: at most 25 weights (σ ≤ 4) and one row or column.
    /// </summary>
    internal static void GaussianBlur(Span<float> image, int height, int width, double sigma)
    {
        // Below a twentieth of a pixel the kernel's side weights are under 1e-30: the identity.
        if (sigma < 0.05) return;
        int radius = (int)Math.Ceiling(3 * sigma);
        Span<float> weights = stackalloc float[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) total += weights[k + radius] = (float)Math.Exp(-k * k / (2 * sigma * sigma));
        for (int k = 0; k < weights.Length; k++) weights[k] = (float)(weights[k] / total);

        Span<float> line = stackalloc float[Math.Max(height, width)];
        for (int y = 0; y < height; y++)
        {
            var row = image.Slice(y * width, width);
            row.CopyTo(line);
            for (int x = 0; x < width; x++)
            {
                float sum = 0;
                for (int k = -radius; k <= radius; k++) sum += weights[k + radius] * line[Math.Clamp(x + k, 0, width - 1)];
                row[x] = sum;
            }
        }
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++) line[y] = image[y * width + x];
            for (int y = 0; y < height; y++)
            {
                float sum = 0;
                for (int k = -radius; k <= radius; k++) sum += weights[k + radius] * line[Math.Clamp(y + k, 0, height - 1)];
                image[y * width + x] = sum;
            }
        }
    }
}
