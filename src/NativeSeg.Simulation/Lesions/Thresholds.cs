namespace NativeSeg.Simulation.Lesions;

internal static class Thresholds
{
    /// <summary>
    /// A threshold t such that about <paramref name="target"/> of the selected values are strictly above t, found by
    /// bisection on [min − 1, max]: 64 halvings resolve any float gap, so for continuous fields the count is exact.
    /// </summary>
    public static float Above(float[] values, Func<int, bool> selected, long target)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        var members = new List<int>();
        for (int p = 0; p < values.Length; p++)
        {
            if (!selected(p)) continue;
            members.Add(p);
            lo = Math.Min(lo, values[p]);
            hi = Math.Max(hi, values[p]);
        }
        if (members.Count == 0 || target <= 0) return float.PositiveInfinity;
        var selectedValues = new float[members.Count];
        for (int m = 0; m < members.Count; m++) selectedValues[m] = values[members[m]];
        double low = lo - 1, high = hi; // count(> low) = all, count(> high) = 0
        for (int iteration = 0; iteration < 64; iteration++)
        {
            double middle = 0.5 * (low + high);
            float t = (float)middle;
            long count = CountAbove(selectedValues, t);
            if (count == target) return t;
            if (count > target) low = middle;
            else high = middle;
        }
        return (float)high;
    }

    private static long CountAbove(float[] values, float threshold)
    {
        // Integer partial sums: the total is the same whatever the partitioning.
        long total = 0;
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, values.Length, 1 << 16), () => 0L,
            (range, _, local) =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                    if (values[i] > threshold) local++;
                return local;
            },
            local => Interlocked.Add(ref total, local));
        return total;
    }
}
