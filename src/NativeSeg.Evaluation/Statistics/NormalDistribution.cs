namespace NativeSeg.Evaluation.Statistics;

/// <summary>
/// The standard normal distribution in float64, accurate to a few units in the last place in both tails,
/// so that P values as small as 1e-300 keep their relative precision.
/// </summary>
public static class NormalDistribution
{
    private const double InverseSqrtPi = 0.56418958354775628695;
    private const double InverseSqrt2Pi = 0.39894228040143267794;
    private const double Sqrt2 = 1.41421356237309504880;

    /// <summary>Density φ(x).</summary>
    public static double Pdf(double x) => InverseSqrt2Pi * Math.Exp(-0.5 * x * x);

    /// <summary>Lower tail Φ(x) = P(Z ≤ x).</summary>
    public static double Cdf(double x) => 0.5 * Erfc(-x / Sqrt2);

    /// <summary>Upper tail 1 − Φ(x) = P(Z &gt; x), computed without cancellation.</summary>
    public static double Survival(double x) => 0.5 * Erfc(x / Sqrt2);

    /// <summary>
    /// Complementary error function, in two ranges:
    /// <list type="bullet">
    /// <item>0 ≤ x &lt; 6: a Taylor series about the nearest point x₀ of a 1/4 grid,
    /// erfc(x₀ + h) = erfc(x₀) − 2/√π·e^(−x₀²)·Σ (−1)ⁿ Hₙ(x₀) h^(n+1)/(n+1)! (Hₙ Hermite polynomials, since
    /// dⁿ/dxⁿ e^(−x²) = (−1)ⁿHₙ(x)e^(−x²)); |h| ≤ 1/8 makes it converge in about 15 terms. The anchors erfc(x₀) are
    /// computed once: below 1.5 from the series erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)) (all terms positive;
    /// 1 − erf loses at most a factor 1/erfc(1.5) ≈ 30 in relative precision), above by the continued fraction.</item>
    /// <item>x ≥ 6: the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) by the
    /// modified Lentz method, which converges in a few dozen steps there (hundreds near 1.5, hence the table).</item>
    /// </list>
    /// Negative x: erfc(x) = 2 − erfc(−x).
    /// </summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
            return double.NaN;
        if (x < 0)
            return 2.0 - Erfc(-x);
        if (x < TaylorEnd)
            return ErfcTaylor(x);
        if (x > 27.3)
            return 0.0; // e^(−x²) underflows below the smallest subnormal
        return ErfcByContinuedFraction(x);
    }

    private const double TaylorStep = 0.25, TaylorEnd = 6.0;
    private const int TaylorTerms = 40;

    private static readonly double[] TaylorAnchors = Enumerable.Range(0, (int)(TaylorEnd / TaylorStep) + 1)
        .Select(i => i * TaylorStep)
        .Select(x0 => x0 < 1.5 ? 1.0 - ErfSeries(x0) : ErfcByContinuedFraction(x0)).ToArray();

    private static readonly double[] AnchorDensities = Enumerable.Range(0, TaylorAnchors.Length)
        .Select(i => 2.0 * InverseSqrtPi * ExpMinusSquare(i * TaylorStep)).ToArray();

    private static readonly double[] Reciprocals = Enumerable.Range(0, TaylorTerms + 2).Select(n => n == 0 ? 0.0 : 1.0 / n).ToArray();

    private static double ErfcByContinuedFraction(double x) => ExpMinusSquare(x) * InverseSqrtPi * ContinuedFraction(x);

    private static double ErfcTaylor(double x)
    {
        int anchor = (int)(x * (1.0 / TaylorStep) + 0.5);
        double x0 = anchor * TaylorStep;
        double h = x - x0;
        double hermitePrevious = 1.0, hermite = 2.0 * x0; // H₀, H₁
        double power = h;                                  // h^(n+1)/(n+1)!
        double sum = power;                                // n = 0 term: H₀·h
        int smallTerms = 0;
        for (int n = 1; n < TaylorTerms; n++)
        {
            power *= h * Reciprocals[n + 1];
            double term = (n % 2 == 0 ? 1.0 : -1.0) * hermite * power;
            sum += term;
            // Two small terms in a row: one alone might be small only because x₀ is near a root of Hₙ.
            smallTerms = Math.Abs(term) <= 1e-17 * Math.Abs(sum) ? smallTerms + 1 : 0;
            if (smallTerms == 2)
                break;
            (hermitePrevious, hermite) = (hermite, 2.0 * x0 * hermite - 2.0 * n * hermitePrevious);
        }
        return TaylorAnchors[anchor] - AnchorDensities[anchor] * sum;
    }

    /// <summary>
    /// e^(−x²) without the rounding of x² (which costs x²·ε, about 1e-13 relative at x = 27): with x = h + l, h on a
    /// 1/16 grid so h² is exact, e^(−x²) = e^(−h²)·e^(−l(x + h)).
    /// </summary>
    private static double ExpMinusSquare(double x)
    {
        double h = Math.Round(x * 16.0) / 16.0;
        return Math.Exp(-h * h) * Math.Exp(-(x - h) * (x + h));
    }

    private static double ErfSeries(double x)
    {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum)
                break;
        }
        return 2.0 * InverseSqrtPi * Math.Exp(-x2) * sum;
    }

    // 1/(x + a1/(x + a2/(x + …))) with a_k = k/2.
    private static double ContinuedFraction(double x)
    {
        const double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0.0;
        for (int k = 1; k < 5000; k++)
        {
            double a = 0.5 * k;
            d = x + a * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = x + a / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16)
                break;
        }
        return 1.0 / f;
    }

    /// <summary>
    /// Quantile Φ⁻¹(p) for 0 &lt; p &lt; 1 (−∞ at 0, +∞ at 1). Starts from Abramowitz–Stegun 26.2.23 (error below 4.5e-4)
    /// and refines with Halley steps on the accurate tail probability, which converge cubically to full precision.
    /// </summary>
    public static double Quantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1)
            throw new ArgumentOutOfRangeException(nameof(p), p, "A probability must lie in [0, 1].");
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        if (p == 0.5) return 0.0;
        if (p > 0.5)
            return -LowerQuantile(1.0 - p); // 1 − p is exact for p > 0.5 (Sterbenz)
        return LowerQuantile(p);
    }

    // p ≤ 0.5: solve Φ(x) = p on x ≤ 0, where Φ is computed from the lower tail without cancellation.
    private static double LowerQuantile(double p)
    {
        double t = Math.Sqrt(-2.0 * Math.Log(p));
        double x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
        for (int i = 0; i < 4; i++)
        {
            double density = Pdf(x);
            if (density == 0)
                break;
            double error = Cdf(x) - p;
            double step = error / density;
            // Halley: divide the Newton step by 1 + x·step/2 (φ'(x) = −xφ(x)).
            x -= step / (1.0 + 0.5 * x * step);
        }
        return x;
    }
}
