namespace NativeSeg.Model.Tests.Training;

/// <summary>
/// The synthetic slice of the pleural-density tests: lung of aerated density (−850 HU) at rows 10–29, columns 10–49,
/// inside soft tissue (0 HU), optionally with a block of consolidation (−20 HU) on its columns 10–19, lining its left edge.
/// Intensities are the preprocessing's (HU + 1000) / 1000.
/// </summary>
internal static class ConsolidatedSlice
{
    public const float Aerated = 0.15f, SoftTissue = 1.0f, Consolidation = 0.98f;

    /// <summary>A height×width slice (at least 30×50): labels (lung = 1) and intensity.</summary>
    public static (byte[] Labels, float[] Intensity) Make(int height, int width, bool withConsolidation)
    {
        var labels = new byte[height * width];
        var intensity = new float[height * width];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = y * width + x;
            bool lung = y is >= 10 and < 30 && x is >= 10 and < 50;
            labels[i] = lung ? (byte)1 : (byte)0;
            intensity[i] = !lung ? SoftTissue : withConsolidation && x < 20 ? Consolidation : Aerated;
        }
        return (labels, intensity);
    }
}
