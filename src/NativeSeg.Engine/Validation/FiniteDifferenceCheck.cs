namespace NativeSeg.Engine.Validation;

/// <summary>
/// Checks every hand-derived backward pass of the float64 reference against central finite differences of the
/// forward pass: the proofs of the <see cref="OperationCatalog"/>, each within <see cref="Tolerances.Float64FiniteDifference"/>.
/// </summary>
public sealed class FiniteDifferenceCheck(int seed)
{
    public IReadOnlyList<CheckResult> RunAll() =>
        [.. new OperationCatalog(seed).GradientProofs().Select(Judge)];

    /// <summary>One proof's result line.</summary>
    public static CheckResult Judge(GradientProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var (analytic, numeric) = proof.Compute();
        return new CheckResult(proof.Name, "reference vs finite differences", ErrorMeasures.RelativeError(analytic, numeric),
            Tolerances.Float64FiniteDifference, "");
    }
}
