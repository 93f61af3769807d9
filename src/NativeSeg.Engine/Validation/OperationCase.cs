namespace NativeSeg.Engine.Validation;

/// <summary>
/// One check case of the <see cref="OperationCatalog"/>: a name, a run that performs the operation on a backend from
/// the case's host inputs and returns its outputs on the host, and the tolerance of its precision class.
/// </summary>
/// <param name="CpuWinograd">Run on the cpu backend with its Winograd convolution (skipped for other backends).</param>
public sealed record OperationCase(string Name, Func<IBackend, float[][]> Run, double Tolerance, bool CpuWinograd = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// One finite-difference proof of the <see cref="OperationCatalog"/>: a hand-derived float64 backward pass of the
/// reference and the central finite differences of its forward pass, compared with
/// <see cref="Tolerances.Float64FiniteDifference"/>.
/// </summary>
public sealed record GradientProof(string Name, Func<(double[] Analytic, double[] Numeric)> Compute)
{
    public override string ToString() => Name;
}
