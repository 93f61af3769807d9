namespace NativeSeg.Engine.Tests.Support;

/// <summary>
/// The error measures used to compare an implementation (actual) against its oracle (expected). Any NaN or infinity
/// in either input gives +∞, so an unwritten (NaN-poisoned) element can never pass a tolerance.
/// </summary>
public static class ErrorMetrics
{
    /// <summary>Floor for the denominators, so an all-zero expected tensor compares by absolute error.</summary>
    public const double Tiny = 1e-30;

    /// <summary>max|a − b| / max(max|b|, tiny): the worst element, relative to the tensor's scale.</summary>
    public static double MaxRelativeError(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        CheckLengths(actual.Length, expected.Length);
        double worst = 0, scale = 0;
        for (int k = 0; k < actual.Length; k++)
        {
            if (!double.IsFinite(actual[k]) || !double.IsFinite(expected[k])) return double.PositiveInfinity;
            worst = Math.Max(worst, Math.Abs(actual[k] - expected[k]));
            scale = Math.Max(scale, Math.Abs(expected[k]));
        }
        return worst / Math.Max(scale, Tiny);
    }

    public static double MaxRelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected) =>
        MaxRelativeError(Widen(actual), expected);

    /// <summary>‖a − b‖₂ / max(‖b‖₂, tiny).</summary>
    public static double RelativeL2Error(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        CheckLengths(actual.Length, expected.Length);
        double difference = 0, norm = 0;
        for (int k = 0; k < actual.Length; k++)
        {
            if (!double.IsFinite(actual[k]) || !double.IsFinite(expected[k])) return double.PositiveInfinity;
            double d = actual[k] - expected[k];
            difference += d * d;
            norm += expected[k] * expected[k];
        }
        return Math.Sqrt(difference) / Math.Max(Math.Sqrt(norm), Tiny);
    }

    public static double RelativeL2Error(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected) =>
        RelativeL2Error(Widen(actual), expected);

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (int k = 0; k < values.Length; k++) wide[k] = values[k];
        return wide;
    }

    private static void CheckLengths(int actual, int expected)
    {
        if (actual != expected)
            throw new ArgumentException($"Cannot compare {actual} values with {expected}.");
    }
}
