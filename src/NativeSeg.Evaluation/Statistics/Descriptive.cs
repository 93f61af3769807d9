namespace NativeSeg.Evaluation.Statistics;

/// <summary>
/// Summary of one metric in one group. NaN values (a metric undefined for a case, e.g. an empty reference) are left out
/// and counted in <see cref="Missing"/>. SD is the sample SD (n − 1); quartiles use linear interpolation between order
/// statistics (NumPy's default <c>percentile</c>, R's type 7); IQR = Q3 − Q1.
/// </summary>
public sealed record Descriptive(int Count, int Missing, double Min, double Max, double Mean, double StandardDeviation,
    double Median, double Q1, double Q3)
{
    public double InterquartileRange => Q3 - Q1;

    public static Descriptive Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] x = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        int missing = values.Count - x.Length;
        if (x.Length == 0)
            return new Descriptive(0, missing, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = MeanOf(x);
        double sd = x.Length > 1 ? Math.Sqrt(SumOfSquaredDeviations(x, mean) / (x.Length - 1)) : double.NaN;
        return new Descriptive(x.Length, missing, x[0], x[^1], mean, sd,
            PercentileOfSorted(x, 50), PercentileOfSorted(x, 25), PercentileOfSorted(x, 75));
    }

    /// <summary>Mean by a two-pass sum (the second pass corrects the rounding of the first).</summary>
    internal static double MeanOf(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double v in x) sum += v;
        double mean = sum / x.Length;
        double correction = 0;
        foreach (double v in x) correction += v - mean;
        return mean + correction / x.Length;
    }

    internal static double SumOfSquaredDeviations(ReadOnlySpan<double> x, double mean)
    {
        double sum = 0;
        foreach (double v in x) sum += (v - mean) * (v - mean);
        return sum;
    }

    /// <summary>Percentile q (0–100) of sorted data, interpolating linearly at position (n − 1)·q/100.</summary>
    internal static double PercentileOfSorted(ReadOnlySpan<double> sorted, double q)
    {
        double position = (sorted.Length - 1) * q / 100.0;
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }
}
