using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Training;

/// <summary>
/// Random changes applied to each training slice, drawn from the trainer's seeded stream:
/// a rotation by up to ±<see cref="MaxRotationDegrees"/> and an isotropic scaling by a factor in
/// [1 − <see cref="MaxScaleChange"/>, 1 + <see cref="MaxScaleChange"/>], both about the slice centre (the input is
/// resampled bilinearly with 0 = air outside, the label by nearest neighbour with background outside), then an
/// intensity jitter I·(1 + a) + b with a, b uniform in ±<see cref="MaxIntensityGain"/> and ±<see cref="MaxIntensityShift"/>.
/// Small on purpose: the slices are already cropped to the body and resized, so only small pose and contrast changes
/// are plausible. <see cref="None"/> turns everything off.
/// </summary>
public sealed record SliceAugmentation(double MaxRotationDegrees = 5, double MaxScaleChange = 0.05, double MaxIntensityGain = 0.05, double MaxIntensityShift = 0.02)
{
    public static SliceAugmentation Default => new();

    public static SliceAugmentation None => new(0, 0, 0, 0);

    /// <summary>
    /// The largest intensity jitter accepted (`train --augment-gain`, `--augment-shift`). The intensity is HU/1000 above
    /// −1000 HU, so a gain moves soft tissue (intensity ≈ 1) by gain × 1000 HU: the default 0.05 is ±50 HU there, and the
    /// limit 0.2 is ±200 HU, more than separates fat (about −100 HU) from muscle (about +50 HU).
    /// </summary>
    public const double GainLimit = 0.2, ShiftLimitHu = 200;

    public bool IntensityJitterIsWithinLimits =>
        MaxIntensityGain is >= 0 and <= GainLimit && MaxIntensityShift is >= 0 and <= ShiftLimitHu / 1000;

    public bool IsEnabled => MaxRotationDegrees > 0 || MaxScaleChange > 0 || MaxIntensityGain > 0 || MaxIntensityShift > 0;

    /// <summary>
    /// Writes the augmented slice into the destination buffers (same sizes as the source). Always draws exactly four
    /// numbers from the stream when enabled, so the stream position depends only on the number of slices seen.
    /// </summary>
    public void Apply(TrainingSlice slice, SeededRandom random, Span<float> input, Span<byte> labels)
    {
        int h = slice.Height, w = slice.Width, plane = h * w;
        if (!IsEnabled)
        {
            slice.Input.CopyTo(input);
            slice.Labels.CopyTo(labels);
            return;
        }
        double angle = random.NextDouble(-MaxRotationDegrees, MaxRotationDegrees) * Math.PI / 180.0;
        double scale = 1.0 + random.NextDouble(-MaxScaleChange, MaxScaleChange);
        float gain = (float)(1.0 + random.NextDouble(-MaxIntensityGain, MaxIntensityGain));
        float shift = (float)random.NextDouble(-MaxIntensityShift, MaxIntensityShift);

        // Inverse mapping: for each output pixel, the source position is R(−angle)·(p − c)/scale + c.
        double cos = Math.Cos(angle) / scale, sin = Math.Sin(angle) / scale;
        double cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        int channels = slice.InputChannels;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double dy = y - cy, dx = x - cx;
            double sx = cos * dx + sin * dy + cx;
            double sy = -sin * dx + cos * dy + cy;
            int index = y * w + x;

            int ny = (int)Math.Round(sy), nx = (int)Math.Round(sx);
            labels[index] = ny >= 0 && ny < h && nx >= 0 && nx < w ? slice.Labels[ny * w + nx] : (byte)0;

            int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
            double fx = sx - x0, fy = sy - y0;
            for (int c = 0; c < channels; c++)
            {
                var source = slice.Input.AsSpan(c * plane, plane);
                double value = (1 - fy) * ((1 - fx) * Sample(source, y0, x0, h, w) + fx * Sample(source, y0, x0 + 1, h, w))
                             + fy * ((1 - fx) * Sample(source, y0 + 1, x0, h, w) + fx * Sample(source, y0 + 1, x0 + 1, h, w));
                input[c * plane + index] = (float)value * gain + shift;
            }
        }
    }

    private static double Sample(ReadOnlySpan<float> plane, int y, int x, int h, int w) =>
        y >= 0 && y < h && x >= 0 && x < w ? plane[y * w + x] : 0.0;
}
