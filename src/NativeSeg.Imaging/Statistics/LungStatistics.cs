using NativeSeg.Imaging.Postprocessing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Statistics;

/// <summary>
/// Lung densitometry of one label: its size, its HU distribution, and where it lies along z. Fractions are of the
/// label's voxels; the mean, median and fractions are NaN for an empty label, the slices null.
/// </summary>
/// <param name="Label">"lung", "right" or "left".</param>
/// <param name="FractionBelowMinus950Hu">Voxels below −950 HU (emphysema-like, LAA-950).</param>
/// <param name="FractionMinus700ToMinus100Hu">Voxels from −700 to −100 HU inclusive (ground glass and consolidation).</param>
/// <param name="FirstSlice">Lowest z index (0-based, the volume's slice order) that holds the label.</param>
/// <param name="LastSlice">Highest z index that holds the label.</param>
public sealed record LabelStatistics(
    string Label,
    long Voxels,
    double VolumeMl,
    double MeanHu,
    double MedianHu,
    double FractionBelowMinus950Hu,
    double FractionMinus700ToMinus100Hu,
    int? FirstSlice,
    int? LastSlice);

/// <summary>
/// Per-label statistics of a CT (HU) under a right/left lung label volume (<see cref="LungSplitter"/>: right 1, left 2):
/// both lungs together, the right lung, the left lung. The median of an even count is the mean of the two middle
/// values (numpy's convention); sums run in double precision.
/// </summary>
public static class LungStatistics
{
    public const double EmphysemaBelowHu = -950;
    public const double OpacityFromHu = -700;
    public const double OpacityToHu = -100;

    public static IReadOnlyList<LabelStatistics> Compute(Volume<float> ct, Volume<byte> rightLeft)
    {
        ArgumentNullException.ThrowIfNull(ct);
        ArgumentNullException.ThrowIfNull(rightLeft);
        if (!ct.Grid.SameGeometry(rightLeft.Grid, 1e-3))
            throw new ArgumentException($"The labels' grid ({rightLeft.Grid}) is not the CT's ({ct.Grid}).", nameof(rightLeft));
        var right = Values(ct, rightLeft, LungSplitter.RightLung);
        var left = Values(ct, rightLeft, LungSplitter.LeftLung);
        var lung = Merge(right.Sorted, left.Sorted);
        double voxelMl = ct.Grid.VoxelVolume / 1000.0;
        int? first = Min(right.FirstSlice, left.FirstSlice), last = Max(right.LastSlice, left.LastSlice);
        return
        [
            Describe("lung", lung, right.Sum + left.Sum, first, last, voxelMl),
            Describe("right", right.Sorted, right.Sum, right.FirstSlice, right.LastSlice, voxelMl),
            Describe("left", left.Sorted, left.Sum, left.FirstSlice, left.LastSlice, voxelMl),
        ];
    }

    private sealed record LabelValues(float[] Sorted, double Sum, int? FirstSlice, int? LastSlice);

    private static LabelValues Values(Volume<float> ct, Volume<byte> labels, byte label)
    {
        int plane = ct.Grid.SliceLength;
        var values = new List<float>();
        double sum = 0;
        int? first = null, last = null;
        for (int z = 0; z < ct.Grid.SizeZ; z++)
        {
            var labelSlice = labels.Slice(z);
            var huSlice = ct.Slice(z);
            int before = values.Count;
            for (int i = 0; i < plane; i++)
            {
                if (labelSlice[i] != label) continue;
                values.Add(huSlice[i]);
                sum += huSlice[i];
            }
            if (values.Count > before)
            {
                first ??= z;
                last = z;
            }
        }
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return new LabelValues(sorted, sum, first, last);
    }

    private static float[] Merge(float[] a, float[] b)
    {
        var merged = new float[a.Length + b.Length];
        int i = 0, j = 0, k = 0;
        while (i < a.Length && j < b.Length) merged[k++] = a[i] <= b[j] ? a[i++] : b[j++];
        while (i < a.Length) merged[k++] = a[i++];
        while (j < b.Length) merged[k++] = b[j++];
        return merged;
    }

    private static LabelStatistics Describe(string label, float[] sorted, double sum, int? first, int? last, double voxelMl)
    {
        long n = sorted.Length;
        if (n == 0) return new LabelStatistics(label, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, null, null);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double)sorted[n / 2]) / 2;
        // Sorted values: the counts are positions found by binary search.
        long below = LowerBound(sorted, EmphysemaBelowHu);
        long opacity = UpperBound(sorted, OpacityToHu) - LowerBound(sorted, OpacityFromHu);
        return new LabelStatistics(label, n, n * voxelMl, sum / n, median, below / (double)n, opacity / (double)n, first, last);
    }

    /// <summary>The first index whose value is not below <paramref name="threshold"/>.</summary>
    private static long LowerBound(float[] sorted, double threshold)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < threshold) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The first index whose value is above <paramref name="threshold"/>.</summary>
    private static long UpperBound(float[] sorted, double threshold)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= threshold) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int? Min(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
