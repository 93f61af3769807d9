namespace NativeSeg.Engine.Validation;

/// <summary>
/// The tolerances of the numerics checks, one per precision class, as a relative error of
/// <see cref="ErrorMeasures.RelativeError"/>. <c>nativeseg check</c>, the backend tests and the GPU kernel benchmark all
/// use these; a check that needs another bound is another precision class and gets its own name here.
/// </summary>
public static class Tolerances
{
    /// <summary>
    /// One float32 operation (direct convolution, batch norm, softmax, Dice-NS, Adam, resize, …; forward or backward)
    /// against the float64 reference, on unit-scale inputs: measured at most about 5e-6 (usually 1e-7 – 1e-6) on cpu
    /// and the ILGPU simulator. Also two float32 kernels of one operation against each other.
    /// </summary>
    public const double Float32Operation = 2e-5;

    /// <summary>
    /// One float32 Winograd F(4×4, 3×3) convolution layer against float64: the transforms amplify float32 rounding
    /// (measured 1e-6 – 6e-6; benchmarks/RESULTS.md).
    /// </summary>
    public const double Float32Winograd = 3e-5;

    /// <summary>Five Adam steps of a small network in float32 against float64: rounding compounds through the steps.</summary>
    public const double Float32TrainingChain = 1e-3;

    /// <summary>
    /// How far from zero every ReLU input of a compared training chain must lie in float64, so float32 rounding cannot
    /// flip a ReLU decision: the float32 batch-norm outputs feeding the ReLU of the Winograd chain differ from float64 by
    /// a median 3e-7, at most 1.7e-5 over 30,784 values per step (seed 1721823133, steps 1–3, the chain's 13×37 images of then).
    /// </summary>
    public const double Float32ReluDecisionMargin = 2e-5;

    /// <summary>A float64 analytic gradient against central finite differences of the float64 forward pass.</summary>
    public const double Float64FiniteDifference = 1e-6;
}
