using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine;

/// <summary>
/// A batch norm in inference mode (running statistics), optionally followed by ReLU, as one stage of
/// <see cref="IBackend.ConvolutionInferenceForward"/>: y = (x − μ)·γ/√(σ² + ε) + β per channel, then max(y, 0)
/// when <see cref="Relu"/> is set. Exactly <see cref="IBackend.BatchNormInferenceForward"/> (+
/// <see cref="IBackend.ReluForward"/>), only applied inside the convolution instead of as separate passes.
/// </summary>
public sealed record InferenceBatchNorm(Tensor Gamma, Tensor Beta, Tensor RunningMean, Tensor RunningVariance, float Epsilon, bool Relu)
{
    internal Tensor[] PerChannel => [Gamma, Beta, RunningMean, RunningVariance];
}
