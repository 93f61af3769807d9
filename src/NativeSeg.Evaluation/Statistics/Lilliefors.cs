namespace NativeSeg.Evaluation.Statistics;

/// <summary>
/// Kolmogorov–Smirnov test of normality with mean and SD estimated from the sample (Lilliefors' test).
/// <para>Statistic: D = max over the sorted standardised sample zᵢ = (xᵢ − x̄)/s (s with n − 1) of
/// max(i/n − Φ(zᵢ), Φ(zᵢ) − (i − 1)/n), as statsmodels' <c>lilliefors(x, dist='norm')</c>.</para>
/// <para>P value: Dallal and Wilkinson's (1986) approximation
/// P = exp(−7.01256·D²·(n + 2.78019) + 2.99587·D·√(n + 2.78019) − 0.122119 + 0.974598/√n + 1.67997/n),
/// with D scaled by (n/100)^0.49 and n set to 100 when n &gt; 100 — identical to statsmodels'
/// <c>pvalmethod='approx'</c> wherever that formula gives P ≤ 0.1. The approximation is only claimed for small P;
/// above 0.1 statsmodels switches to interpolating its own Monte Carlo table of critical values. We instead estimate
/// P there by our own Monte Carlo: <see cref="MonteCarloReplicates"/> normal samples of size n from a fixed seed,
/// P = (1 + #{D* ≥ D})/(1 + replicates), whose standard error is at most √(0.25/replicates) ≈ 0.005. Above 0.1 both
/// methods only say "no evidence against normality"; they agree to about 0.01–0.02.</para>
/// </summary>
public static class Lilliefors
{
    public const int MinimumCount = 4;
    public const int MonteCarloReplicates = 10_000;
    public const int MonteCarloSeed = 20_200_917;

    public static TestResult Test(IReadOnlyList<double> values)
    {
        double[] x = Guard.FiniteSample(values, MinimumCount, "Lilliefors");
        double d = Statistic(x);
        if (double.IsNaN(d))
            throw new ArgumentException("Lilliefors: all values are identical; the statistic is undefined.");
        double p = DallalWilkinson(d, x.Length);
        if (p > 0.1)
            p = MonteCarloPValue(d, x.Length);
        return new TestResult(d, p);
    }

    /// <summary>The KS distance between the standardised sample and Φ (sorts <paramref name="x"/> in place).</summary>
    internal static double Statistic(double[] x)
    {
        int n = x.Length;
        double mean = Descriptive.MeanOf(x);
        double sd = Math.Sqrt(Descriptive.SumOfSquaredDeviations(x, mean) / (n - 1));
        if (sd == 0)
            return double.NaN;
        Array.Sort(x);
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double cdf = NormalDistribution.Cdf((x[i] - mean) / sd);
            d = Math.Max(d, Math.Max((i + 1.0) / n - cdf, cdf - (double)i / n));
        }
        return d;
    }

    internal static double DallalWilkinson(double d, int n)
    {
        double nEffective = n;
        if (n > 100)
        {
            d *= Math.Pow(n / 100.0, 0.49);
            nEffective = 100;
        }
        double m = nEffective + 2.78019;
        return Math.Exp(-7.01256 * d * d * m + 2.99587 * d * Math.Sqrt(m) - 0.122119 + 0.974598 / Math.Sqrt(nEffective) + 1.67997 / nEffective);
    }

    internal static double MonteCarloPValue(double d, int n)
    {
        // D is invariant to location and scale, so standard normal samples suffice. Box–Muller from a fixed seed.
        var random = new Random(MonteCarloSeed);
        var sample = new double[n];
        int atLeast = 0;
        for (int r = 0; r < MonteCarloReplicates; r++)
        {
            for (int i = 0; i < n; i += 2)
            {
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                double radius = Math.Sqrt(-2.0 * Math.Log(u1));
                sample[i] = radius * Math.Cos(2 * Math.PI * u2);
                if (i + 1 < n)
                    sample[i + 1] = radius * Math.Sin(2 * Math.PI * u2);
            }
            if (Statistic(sample) >= d - 1e-12)
                atLeast++;
        }
        return (1.0 + atLeast) / (1.0 + MonteCarloReplicates);
    }
}
