namespace NativeSeg.Evaluation.Statistics;

internal static class Guard
{
    /// <summary>Copies a sample after checking it has at least <paramref name="minimum"/> finite values.</summary>
    public static double[] FiniteSample(IReadOnlyList<double> values, int minimum, string test)
    {
        ArgumentNullException.ThrowIfNull(values);
        var x = new double[values.Count];
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{test}: value {i} is {values[i]}; every value must be finite.");
            x[i] = values[i];
        }
        if (x.Length < minimum)
            throw new ArgumentException($"{test} needs at least {minimum} values, got {x.Length}.");
        return x;
    }
}
