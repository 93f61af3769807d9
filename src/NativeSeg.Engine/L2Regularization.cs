using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine;

/// <summary>How the per-tensor L2 terms decay·½·Σv² are combined into the loss.</summary>
public enum L2Reduction
{
    /// <summary>Mean over the regularised tensors: what NiftyNet's code does (the default).</summary>
    Mean,

    /// <summary>Sum over the regularised tensors: what NiftyNet's documentation says.</summary>
    Sum,
}

/// <summary>
/// The coupled L2 term of the loss, computed on any backend. Penalty = Σ_t decay·½·Σ v_t² (÷ T for
/// <see cref="L2Reduction.Mean"/>); its gradient with respect to each value v is <see cref="Coefficient"/>·v,
/// which <see cref="IBackend.AdamStep"/> folds into the gradient (pass the coefficient as its l2Coefficient).
/// </summary>
public static class L2Regularization
{
    /// <summary>The penalty over the given tensors, through one <see cref="IBackend.SumsOfSquares"/> call.</summary>
    public static double Penalty(IBackend backend, IReadOnlyList<Tensor> tensors, double decay, L2Reduction reduction)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(tensors);
        var sums = new double[tensors.Count];
        backend.SumsOfSquares(tensors, sums);
        return Penalty(sums, decay, reduction);
    }

    /// <summary>The penalty from each regularised tensor's Σ v², in the order given (the order of the adds).</summary>
    public static double Penalty(ReadOnlySpan<double> sumsOfSquares, double decay, L2Reduction reduction)
    {
        if (sumsOfSquares.Length == 0)
            throw new ArgumentException("The L2 penalty needs at least one tensor.", nameof(sumsOfSquares));
        double total = 0;
        foreach (double sum in sumsOfSquares) total += decay * 0.5 * sum;
        return reduction == L2Reduction.Mean ? total / sumsOfSquares.Length : total;
    }

    /// <summary>∂Penalty/∂v ÷ v for every regularised value: decay/T for the mean, decay for the sum.</summary>
    public static double Coefficient(int tensorCount, double decay, L2Reduction reduction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tensorCount, 1);
        return reduction == L2Reduction.Mean ? decay / tensorCount : decay;
    }

    /// <summary><see cref="Coefficient"/> as the float that <see cref="IBackend.AdamStep"/> takes.</summary>
    public static float AdamCoefficient(int tensorCount, double decay, L2Reduction reduction) =>
        (float)Coefficient(tensorCount, decay, reduction);
}
