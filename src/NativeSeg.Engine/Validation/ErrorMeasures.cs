namespace NativeSeg.Engine.Validation;

/// <summary>Error measures between a candidate result and a reference result.</summary>
public static class ErrorMeasures
{
    /// <summary>
    /// max(relative L2 error ‖a − b‖/‖b‖, max-abs error / max|b|), computed in float64.
    /// Any NaN or infinity in the candidate gives +∞ so it can never pass a tolerance.
    /// A reference that is zero everywhere makes the measure the candidate's largest absolute value.
    /// </summary>
    public static double RelativeError(ReadOnlySpan<double> candidate, ReadOnlySpan<double> reference)
    {
        if (candidate.Length != reference.Length)
            throw new ArgumentException($"lengths differ: {candidate.Length} and {reference.Length}");
        double diff2 = 0, ref2 = 0, maxDiff = 0, maxRef = 0;
        for (int i = 0; i < candidate.Length; i++)
        {
            double a = candidate[i], b = reference[i];
            if (!double.IsFinite(a)) return double.PositiveInfinity;
            double d = Math.Abs(a - b);
            diff2 += d * d;
            ref2 += b * b;
            maxDiff = Math.Max(maxDiff, d);
            maxRef = Math.Max(maxRef, Math.Abs(b));
        }
        if (ref2 == 0) return maxDiff;
        return Math.Max(Math.Sqrt(diff2 / ref2), maxDiff / maxRef);
    }

    public static double RelativeError(ReadOnlySpan<float> candidate, ReadOnlySpan<float> reference) =>
        RelativeError(Widen(candidate), Widen(reference));

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (int i = 0; i < wide.Length; i++) wide[i] = values[i];
        return wide;
    }
}
