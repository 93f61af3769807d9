namespace NativeSeg.Model.Training;

/// <summary>
/// Lesion-aware sampling without lesion labels: a slice whose lung touches the chest wall with dense tissue
/// (consolidation at the pleura, the configuration the network is tempted to cut away as chest wall) is shown more
/// often per epoch. The measure needs only the CT and the lung label, so real and simulated cases are treated alike:
/// the share of the lung's inner boundary ring that is dense, above −300 HU (intensity 0.7 after the paper's
/// (HU + 1000) / 1000 mapping). The ring is one pixel inside the mask's edge (the edge of the mask eroded once),
/// because the edge pixels themselves hold the partial-volume blend of lung and chest wall: on the real LCTSC CT
/// Case_000 about half of the edge pixels are above −300 HU in every slice, normal or not, while one pixel further in
/// the normal lung's share is 0.02 (median; 90th percentile 0.04) and the severe COVID-19 version's 0.32 (measured
/// with a NumPy re-implementation on the CT's own 0.98 mm grid, not on the network's 296×216 grid).
/// A slice appears 1 + round((copies − 1) · min(1, share / <see cref="SaturatingShare"/>)) times per epoch, a
/// deterministic count, so the epoch length is fixed and a resumed run replays the same epoch.
/// </summary>
public static class PleuralDensityOversampling
{
    /// <summary>Intensity of −300 HU under the preprocessing's (HU + 1000) / 1000.</summary>
    public const float DenseIntensity = 0.7f;

    /// <summary>A share of dense boundary at or above this gets the full number of copies.</summary>
    public const double SaturatingShare = 0.2;

    /// <summary>Share (0–1) of the inner boundary ring of the lung in <paramref name="slice"/> that is dense; 0 without lung.</summary>
    public static double DenseBoundaryShare(TrainingSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        int h = slice.Height, w = slice.Width;
        var intensity = slice.Input.AsSpan(0, h * w); // channel 0 is the CT
        var ring = InnerRing(slice.Labels, h, w);
        int ringPixels = 0, dense = 0;
        for (int i = 0; i < ring.Length; i++)
        {
            if (!ring[i]) continue;
            ringPixels++;
            if (intensity[i] > DenseIntensity) dense++;
        }
        return ringPixels == 0 ? 0 : (double)dense / ringPixels;
    }

    /// <summary>The inner boundary ring: lung pixels of the eroded mask with a 4-neighbour outside it.</summary>
    internal static bool[] InnerRing(byte[] labels, int h, int w)
    {
        var inner = Eroded(labels, h, w);
        var ring = new bool[h * w];
        for (int y = 1; y < h - 1; y++)
        {
            for (int x = 1; x < w - 1; x++)
            {
                int i = y * w + x;
                ring[i] = inner[i] && !(inner[i - 1] && inner[i + 1] && inner[i - w] && inner[i + w]);
            }
        }
        return ring;
    }

    /// <summary>Lung pixels whose four neighbours are lung too (the image border counts as outside).</summary>
    private static bool[] Eroded(byte[] labels, int h, int w)
    {
        var inner = new bool[h * w];
        for (int y = 1; y < h - 1; y++)
            for (int x = 1; x < w - 1; x++)
                inner[y * w + x] = IsInnerLung(labels, w, y * w + x);
        return inner;
    }

    /// <summary>
    /// Whether pixel i (not on the image border) of a slice <paramref name="w"/> wide is lung with four lung neighbours:
    /// a pixel of the mask eroded once.
    /// </summary>
    internal static bool IsInnerLung(ReadOnlySpan<byte> labels, int w, int i) =>
        labels[i] == 1 && labels[i - 1] == 1 && labels[i + 1] == 1 && labels[i - w] == 1 && labels[i + w] == 1;

    /// <summary>How many times a slice with this dense-boundary share is shown per epoch, given the most copies.</summary>
    public static int Copies(double share, int maximumCopies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumCopies, 1);
        return 1 + (int)Math.Round((maximumCopies - 1) * Math.Min(1.0, share / SaturatingShare), MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The epoch's pool: every training slice index repeated by its copy count, in index order (the trainer shuffles
    /// it). With <paramref name="maximumCopies"/> = 1 this is the training slices unchanged.
    /// </summary>
    public static int[] EpochPool(TrainingSet data, IReadOnlyList<int> trainingSlices, int maximumCopies)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(trainingSlices);
        if (maximumCopies == 1) return trainingSlices.ToArray();
        var pool = new List<int>(trainingSlices.Count * 2);
        foreach (int index in trainingSlices)
        {
            int copies = Copies(DenseBoundaryShare(data.Slices[index]), maximumCopies);
            for (int c = 0; c < copies; c++) pool.Add(index);
        }
        return pool.ToArray();
    }
}
