namespace NativeSeg.Engine.Validation;

/// <summary>Central finite differences in float64: the proof of every hand-written backward pass.</summary>
public static class FiniteDifference
{
    /// <summary>
    /// ∂loss/∂x[k] ≈ (loss(x + h·e_k) − loss(x − h·e_k)) / 2h for every k, perturbing x in place and restoring it.
    /// The truncation error is h²·f'''/6 and the rounding error about 1e-16·|loss|/h; h = 1e-5 balances them for
    /// smooth losses of order one (exact for losses linear in x, where any h works and larger h rounds less).
    /// </summary>
    public static double[] Gradient(double[] x, Func<double> loss, double step = 1e-5)
    {
        var gradient = new double[x.Length];
        for (int k = 0; k < x.Length; k++)
        {
            double saved = x[k];
            x[k] = saved + step;
            double plus = loss();
            x[k] = saved - step;
            double minus = loss();
            x[k] = saved;
            gradient[k] = (plus - minus) / (2 * step);
        }
        return gradient;
    }

    /// <summary>Σ r·y: a scalar loss whose gradient with respect to y is r (random r exercises every output).</summary>
    public static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int k = 0; k < a.Length; k++) sum += a[k] * b[k];
        return sum;
    }
}
