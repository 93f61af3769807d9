namespace NativeSeg.Engine.Reference;

public static partial class ReferenceOps
{
    /// <summary>Σ v² over the array.</summary>
    public static double SumOfSquares(double[] values)
    {
        double sum = 0;
        foreach (double v in values) sum += v * v;
        return sum;
    }

    /// <summary>
    /// The L2 term of the loss over T regularised tensors: Σ_t decay·½·Σ v_t², divided by T for
    /// <see cref="L2Reduction.Mean"/> (NiftyNet's code) and not for <see cref="L2Reduction.Sum"/> (its documentation).
    /// </summary>
    public static double L2Penalty(IReadOnlyList<double[]> tensors, double decay, L2Reduction reduction)
    {
        double total = 0;
        foreach (var t in tensors) total += decay * 0.5 * SumOfSquares(t);
        return reduction == L2Reduction.Mean ? total / tensors.Count : total;
    }

    /// <summary>
    /// ∂(L2 penalty)/∂v = coefficient·v, coefficient = decay/T (mean) or decay (sum), added onto gradients
    /// (accumulates, like every other contribution to a parameter's gradient). The coefficient is exactly the
    /// l2Coefficient that <see cref="AdamStep"/> folds into the gradient instead.
    /// </summary>
    public static void L2PenaltyGradient(IReadOnlyList<double[]> tensors, double decay, L2Reduction reduction,
        IReadOnlyList<double[]> gradients)
    {
        double coefficient = L2Regularization.Coefficient(tensors.Count, decay, reduction);
        for (int t = 0; t < tensors.Count; t++)
        for (int k = 0; k < tensors[t].Length; k++)
            gradients[t][k] += coefficient * tensors[t][k];
    }
}
