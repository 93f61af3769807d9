namespace NativeSeg.Evaluation.Statistics;

public enum MannWhitneyMethod { Exact, Asymptotic }

/// <summary>Result of a two-sided Mann–Whitney U test: U of the first sample, P value and how it was computed.</summary>
public readonly record struct MannWhitneyResult(double U, double PValue, MannWhitneyMethod Method);

/// <summary>
/// Two-sided Mann–Whitney U (Wilcoxon rank-sum) test, following SciPy's <c>mannwhitneyu(x, y)</c> defaults
/// (<c>alternative='two-sided'</c>, <c>use_continuity=True</c>, <c>method='auto'</c>):
/// <list type="bullet">
/// <item>U₁ = R₁ − n₁(n₁+1)/2 with midranks for ties; the statistic reported is U₁ (the first sample's).</item>
/// <item>Method: exact when the data have no ties and min(n₁, n₂) ≤ 8; otherwise the normal approximation.</item>
/// <item>Exact: U = max(U₁, U₂), P = 2·P(U' ≥ U) under H₀, counts from the recurrence
/// N(u; m, n) = N(u − n; m − 1, n) + N(u; m, n − 1) (all additions, so float64 keeps relative precision).</item>
/// <item>Asymptotic: z = (U − n₁n₂/2 − 0.5)/σ, σ² = n₁n₂/12·((n + 1) − Σ(t³ − t)/(n(n − 1))) over tie groups of size t;
/// P = 2·(1 − Φ(z)).</item>
/// </list>
/// P is clipped to [0, 1].
/// </summary>
public static class MannWhitneyU
{
    public const int ExactLimit = 8;

    public static MannWhitneyResult Test(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        double[] x = Guard.FiniteSample(first, 1, "Mann–Whitney U (first sample)");
        double[] y = Guard.FiniteSample(second, 1, "Mann–Whitney U (second sample)");
        int n1 = x.Length, n2 = y.Length, n = n1 + n2;

        // Midranks of the pooled sample, and the tie term Σ(t³ − t).
        var pooled = new (double Value, bool First)[n];
        for (int i = 0; i < n1; i++) pooled[i] = (x[i], true);
        for (int i = 0; i < n2; i++) pooled[n1 + i] = (y[i], false);
        Array.Sort(pooled, (a, b) => a.Value.CompareTo(b.Value));
        double rankSumFirst = 0, tieTerm = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && pooled[end + 1].Value == pooled[start].Value) end++;
            double midrank = (start + end) / 2.0 + 1.0;
            for (int k = start; k <= end; k++)
                if (pooled[k].First) rankSumFirst += midrank;
            double t = end - start + 1;
            tieTerm += t * t * t - t;
            start = end + 1;
        }
        double u1 = rankSumFirst - n1 * (n1 + 1) / 2.0;
        double u2 = (double)n1 * n2 - u1;
        double u = Math.Max(u1, u2);
        bool ties = tieTerm > 0;

        if (!ties && Math.Min(n1, n2) <= ExactLimit)
        {
            double p = 2.0 * ExactUpperTail((long)Math.Round(u), Math.Min(n1, n2), Math.Max(n1, n2));
            return new MannWhitneyResult(u1, Math.Clamp(p, 0.0, 1.0), MannWhitneyMethod.Exact);
        }

        double mu = n1 * (double)n2 / 2.0;
        double variance = n1 * (double)n2 / 12.0 * ((n + 1) - tieTerm / ((double)n * (n - 1)));
        double z = (u - mu - 0.5) / Math.Sqrt(variance);
        double pAsymptotic = variance > 0 ? 2.0 * NormalDistribution.Survival(z) : 1.0;
        return new MannWhitneyResult(u1, Math.Clamp(pAsymptotic, 0.0, 1.0), MannWhitneyMethod.Asymptotic);
    }

    /// <summary>P(U ≥ u) for samples of sizes m ≤ n without ties, from the exact null distribution.</summary>
    internal static double ExactUpperTail(long u, int m, int n)
    {
        double[] counts = ExactCounts(m, n);
        double total = 0, tail = 0;
        for (int k = 0; k < counts.Length; k++)
        {
            total += counts[k];
            if (k >= u) tail += counts[k];
        }
        return tail / total;
    }

    /// <summary>
    /// Number of arrangements giving each U = 0 … m·n, for sizes (m, n). Builds N(·; i, j) for all i ≤ m while j runs
    /// from 0 to n: N(·; i, j) = shift_j N(·; i − 1, j) + N(·; i, j − 1), with N(·; 0, j) = N(·; i, 0) = [1].
    /// </summary>
    internal static double[] ExactCounts(int m, int n)
    {
        int length = m * n + 1;
        var table = new double[m + 1][]; // table[i] = N(·; i, j) for the current j
        for (int i = 0; i <= m; i++)
        {
            table[i] = new double[length];
            table[i][0] = 1.0;
        }
        for (int j = 1; j <= n; j++)
        {
            // Ascending i: table[i − 1] already holds column j, table[i] still holds column j − 1.
            for (int i = 1; i <= m; i++)
            {
                double[] current = table[i], previous = table[i - 1];
                int maxU = i * j;
                for (int k = maxU; k >= j; k--)
                    current[k] += previous[k - j];
            }
        }
        return table[m];
    }
}
