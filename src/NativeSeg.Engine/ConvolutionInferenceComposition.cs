using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine;

/// <summary>
/// <see cref="IBackend.ConvolutionInferenceForward"/> spelled out as the separate operations it fuses: batch norm
/// (+ ReLU) of the input into a temporary, the convolution, batch norm (+ ReLU) of the output in place, the residual
/// add in place. This is the definition of the fused operation and the implementation every backend gets unless it
/// fuses the stages itself (the cpu backend does; the reference computes the same stages in float64).
/// </summary>
public static class ConvolutionInferenceComposition
{
    public static void Run(IBackend backend, Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation,
        InferenceBatchNorm? after, Tensor? residual, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(backend);
        OperationContracts.ConvolutionInference(nameof(IBackend.ConvolutionInferenceForward), input, before, weights, dilation, after, residual, output);
        Tensor? activated = null;
        try
        {
            var convolutionInput = input;
            if (before is not null)
            {
                activated = backend.Allocate(input.Shape);
                Normalize(backend, input, before, activated);
                convolutionInput = activated;
            }
            backend.ConvolutionForward(convolutionInput, weights, dilation, output);
            if (after is not null)
                Normalize(backend, output, after, output);
            if (residual is not null)
                backend.ResidualAddForward(output, residual, output);
        }
        finally
        {
            activated?.Dispose();
        }
    }

    private static void Normalize(IBackend backend, Tensor input, InferenceBatchNorm norm, Tensor output)
    {
        backend.BatchNormInferenceForward(input, norm.Gamma, norm.Beta, norm.RunningMean, norm.RunningVariance, norm.Epsilon, output);
        if (norm.Relu)
            backend.ReluForward(output, output);
    }
}
