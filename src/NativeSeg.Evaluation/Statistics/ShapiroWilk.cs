namespace NativeSeg.Evaluation.Statistics;

/// <summary>
/// Shapiro–Wilk W test of normality by Royston's algorithm (Appl. Statist. 44, 1995, AS R94), the algorithm of
/// SciPy's <c>shapiro</c> (its swilk routine): coefficients from normal scores with Royston's polynomial corrections
/// for the two outermost, W as the squared correlation of coefficients and ordered data, and the P value from
/// Royston's normalising transformation (n = 3 exact; 4 ≤ n ≤ 11 via −log(γ − log(1 − W)); n ≥ 12 via log(1 − W)).
/// Valid for 3 ≤ n ≤ 5000.
/// </summary>
public static class ShapiroWilk
{
    // Polynomial coefficients from AS R94 (lowest order first).
    private static readonly double[] C1 = [0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056];
    private static readonly double[] C2 = [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
    private static readonly double[] C3 = [0.5440, -0.39978, 0.025054, -6.714e-4];
    private static readonly double[] C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
    private static readonly double[] C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
    private static readonly double[] C6 = [-0.4803, -0.082676, 0.0030302];
    private static readonly double[] Gamma = [-2.273, 0.459];

    public const int MinimumCount = 3;
    public const int MaximumCount = 5000;

    public static TestResult Test(IReadOnlyList<double> values)
    {
        double[] x = Guard.FiniteSample(values, MinimumCount, "Shapiro–Wilk");
        if (x.Length > MaximumCount)
            throw new ArgumentException($"Shapiro–Wilk: Royston's approximation is valid up to n = {MaximumCount}, got {x.Length}.");
        Array.Sort(x);
        int n = x.Length;
        double range = x[^1] - x[0];
        if (range < 1e-19 * Math.Max(1.0, Math.Abs(x[0])))
            throw new ArgumentException("Shapiro–Wilk: all values are identical; W is undefined.");

        double[] a = Coefficients(n);
        double w = Statistic(x, a);
        return new TestResult(w, PValue(w, n));
    }

    /// <summary>The antisymmetric coefficients a₁ … aₙ (a_i = −a_(n+1−i)), for data in ascending order.</summary>
    internal static double[] Coefficients(int n)
    {
        var full = new double[n];
        int half = n / 2;
        var upper = new double[half + 1]; // upper[i], i = 1..half: coefficient of x_(n+1−i) − x_(i)
        if (n == 3)
        {
            upper[1] = Math.Sqrt(0.5);
        }
        else
        {
            var m = new double[half + 1];
            double sumM2 = 0;
            for (int i = 1; i <= half; i++)
            {
                // Blom's approximation of the expected normal order statistics, taken positive for the upper half.
                m[i] = -NormalDistribution.Quantile((i - 0.375) / (n + 0.25));
                sumM2 += m[i] * m[i];
            }
            sumM2 *= 2;
            double rootSumM2 = Math.Sqrt(sumM2);
            double u = 1.0 / Math.Sqrt(n);
            double a1 = m[1] / rootSumM2 + Polynomial(C1, u);
            int first;
            double scale;
            if (n > 5)
            {
                double a2 = m[2] / rootSumM2 + Polynomial(C2, u);
                scale = Math.Sqrt((sumM2 - 2 * m[1] * m[1] - 2 * m[2] * m[2]) / (1 - 2 * a1 * a1 - 2 * a2 * a2));
                upper[2] = a2;
                first = 3;
            }
            else
            {
                scale = Math.Sqrt((sumM2 - 2 * m[1] * m[1]) / (1 - 2 * a1 * a1));
                first = 2;
            }
            upper[1] = a1;
            for (int i = first; i <= half; i++)
                upper[i] = m[i] / scale;
        }
        for (int i = 1; i <= half; i++)
        {
            full[n - i] = upper[i];
            full[i - 1] = -upper[i];
        }
        return full;
    }

    /// <summary>W = (Σ aᵢ x₍ᵢ₎)² / (Σ aᵢ² · Σ (xᵢ − x̄)²), with data scaled by its range first as swilk does.</summary>
    private static double Statistic(double[] sorted, double[] a)
    {
        int n = sorted.Length;
        double range = sorted[^1] - sorted[0];
        double shift = sorted[n / 2];
        var z = new double[n];
        for (int i = 0; i < n; i++) z[i] = (sorted[i] - shift) / range;
        double meanZ = Descriptive.MeanOf(z);
        double meanA = Descriptive.MeanOf(a);
        double saa = 0, szz = 0, saz = 0;
        for (int i = 0; i < n; i++)
        {
            double da = a[i] - meanA;
            double dz = z[i] - meanZ;
            saa += da * da;
            szz += dz * dz;
            saz += da * dz;
        }
        // 1 − W = (√(saa·szz) − saz)(√(saa·szz) + saz)/(saa·szz): the form swilk uses to keep 1 − W accurate near W = 1.
        double root = Math.Sqrt(saa * szz);
        double oneMinusW = (root - saz) * (root + saz) / (saa * szz);
        return 1.0 - oneMinusW;
    }

    internal static double PValue(double w, int n)
    {
        if (n == 3)
        {
            // Exact for n = 3: P = (6/π)(asin √W − π/3), W ∈ [3/4, 1].
            double p3 = 6.0 / Math.PI * (Math.Asin(Math.Sqrt(w)) - Math.PI / 3.0);
            return Math.Clamp(p3, 0.0, 1.0);
        }
        double y = Math.Log(1.0 - w);
        double mean, sd;
        if (n <= 11)
        {
            double gamma = Polynomial(Gamma, n);
            if (y >= gamma)
                return 1e-99; // beyond the range of the transformation: swilk's "P smaller than anything representable"
            y = -Math.Log(gamma - y);
            mean = Polynomial(C3, n);
            sd = Math.Exp(Polynomial(C4, n));
        }
        else
        {
            double logN = Math.Log(n);
            mean = Polynomial(C5, logN);
            sd = Math.Exp(Polynomial(C6, logN));
        }
        return NormalDistribution.Survival((y - mean) / sd);
    }

    private static double Polynomial(double[] c, double x)
    {
        double result = 0;
        for (int i = c.Length - 1; i >= 0; i--)
            result = result * x + c[i];
        return result;
    }
}
