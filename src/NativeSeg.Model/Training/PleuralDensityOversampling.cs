namespace NativeSeg.Model.Training;

/// <summary>
/// Lesion-aware sampling without lesion labels: a slice whose lung touches the chest wall with dense tissue
/// (consolidation at the pleura, the configuration the network is tempted to cut away as chest wall) is shown more
/// often per epoch. The measure needs only the CT and the lung label, so real and simulated cases are treated alike:
/// the share of the lung's boundary pixels (lung pixels with a non-lung 4-neighbour) whose intensity is dense, that
/// is above −300 HU (intensity 0.7 after the paper's (HU + 1000) / 1000 mapping). Normal aerated lung has a boundary
/// near −850 HU with a partial-volume rim, so its share stays small; a consolidated stretch of pleura drives it up.
/// A slice appears 1 + round((copies − 1) · min(1, share / <see cref="SaturatingShare"/>)) times per epoch, a
/// deterministic count, so the epoch length is fixed and a resumed run replays the same epoch.
/// </summary>
public static class PleuralDensityOversampling
{
    /// <summary>Intensity of −300 HU under the preprocessing's (HU + 1000) / 1000.</summary>
    public const float DenseIntensity = 0.7f;

    /// <summary>A share of dense boundary at or above this gets the full number of copies.</summary>
    public const double SaturatingShare = 0.2;

    /// <summary>Share (0–1) of the lung boundary pixels of <paramref name="slice"/> that are dense; 0 without lung.</summary>
    public static double DenseBoundaryShare(TrainingSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        int h = slice.Height, w = slice.Width;
        var labels = slice.Labels;
        var intensity = slice.Input.AsSpan(0, h * w); // channel 0 is the CT
        int boundary = 0, dense = 0;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                if (labels[i] != 1) continue;
                bool edge = x == 0 || x == w - 1 || y == 0 || y == h - 1
                    || labels[i - 1] != 1 || labels[i + 1] != 1 || labels[i - w] != 1 || labels[i + w] != 1;
                if (!edge) continue;
                boundary++;
                if (intensity[i] > DenseIntensity) dense++;
            }
        }
        return boundary == 0 ? 0 : (double)dense / boundary;
    }

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
