namespace NativeSeg.Engine.Validation;

/// <summary>
/// The error measures between a candidate result and a reference result, computed in float64. One NaN treatment for
/// all: any NaN or infinity in either input gives +∞, so an unwritten (NaN-poisoned) element, or a reference that
/// went wrong, can never pass a tolerance. A reference that is zero everywhere makes a relative measure absolute.
/// </summary>
public static class ErrorMeasures
{
    /// <summary>max(<see cref="RelativeL2Error"/>, <see cref="MaxRelativeError"/>): what every tolerance of <see cref="Tolerances"/> bounds.</summary>
    public static double RelativeError(ReadOnlySpan<double> candidate, ReadOnlySpan<double> reference)
    {
        var (difference2, reference2, maxDifference, maxReference) = Accumulate(candidate, reference);
        if (double.IsPositiveInfinity(difference2)) return double.PositiveInfinity;
        if (reference2 == 0) return maxDifference;
        return Math.Max(Math.Sqrt(difference2 / reference2), maxDifference / maxReference);
    }

    public static double RelativeError(ReadOnlySpan<float> candidate, ReadOnlySpan<float> reference) =>
        RelativeError(Widen(candidate), Widen(reference));

    public static double RelativeError(ReadOnlySpan<float> candidate, ReadOnlySpan<double> reference) =>
        RelativeError(Widen(candidate), reference);

    /// <summary>max|a − b| / max|b|: the worst element, relative to the tensor's scale.</summary>
    public static double MaxRelativeError(ReadOnlySpan<double> candidate, ReadOnlySpan<double> reference)
    {
        var (difference2, _, maxDifference, maxReference) = Accumulate(candidate, reference);
        if (double.IsPositiveInfinity(difference2)) return double.PositiveInfinity;
        return maxReference == 0 ? maxDifference : maxDifference / maxReference;
    }

    public static double MaxRelativeError(ReadOnlySpan<float> candidate, ReadOnlySpan<double> reference) =>
        MaxRelativeError(Widen(candidate), reference);

    /// <summary>‖a − b‖₂ / ‖b‖₂.</summary>
    public static double RelativeL2Error(ReadOnlySpan<double> candidate, ReadOnlySpan<double> reference)
    {
        var (difference2, reference2, _, _) = Accumulate(candidate, reference);
        if (double.IsPositiveInfinity(difference2)) return double.PositiveInfinity;
        return reference2 == 0 ? Math.Sqrt(difference2) : Math.Sqrt(difference2 / reference2);
    }

    public static double RelativeL2Error(ReadOnlySpan<float> candidate, ReadOnlySpan<double> reference) =>
        RelativeL2Error(Widen(candidate), reference);

    /// <summary>The four sums every measure is made of; +∞ squared difference when any value is not finite.</summary>
    private static (double Difference2, double Reference2, double MaxDifference, double MaxReference) Accumulate(
        ReadOnlySpan<double> candidate, ReadOnlySpan<double> reference)
    {
        if (candidate.Length != reference.Length)
            throw new ArgumentException($"Cannot compare {candidate.Length} values with {reference.Length}.");
        double difference2 = 0, reference2 = 0, maxDifference = 0, maxReference = 0;
        for (int i = 0; i < candidate.Length; i++)
        {
            double a = candidate[i], b = reference[i];
            if (!double.IsFinite(a) || !double.IsFinite(b)) return (double.PositiveInfinity, 0, double.PositiveInfinity, 0);
            double d = Math.Abs(a - b);
            difference2 += d * d;
            reference2 += b * b;
            maxDifference = Math.Max(maxDifference, d);
            maxReference = Math.Max(maxReference, Math.Abs(b));
        }
        return (difference2, reference2, maxDifference, maxReference);
    }

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (int i = 0; i < wide.Length; i++) wide[i] = values[i];
        return wide;
    }
}
