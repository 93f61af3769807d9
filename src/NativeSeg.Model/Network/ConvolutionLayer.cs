using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Network;

/// <summary>conv → BN (→ ReLU): conv_0, conv_1 and, without the ReLU, the logits layer conv_2. No convolution bias.</summary>
public sealed class ConvolutionLayer
{
    internal ConvolutionLayer(LayerSpec spec, ModelTensor kernel, BatchNormParameters batchNorm)
    {
        Spec = spec;
        Kernel = kernel;
        BatchNorm = batchNorm;
    }

    public LayerSpec Spec { get; }

    /// <summary><c>{name}.conv.weight</c> [Cout, Cin, K, K].</summary>
    public ModelTensor Kernel { get; }

    /// <summary><c>{name}.bn.*</c>.</summary>
    public BatchNormParameters BatchNorm { get; }

    public bool HasRelu => Spec.Kind == LayerKind.ConvolutionBatchNormRelu;

    internal IEnumerable<ModelTensor> Tensors => [Kernel, .. BatchNorm.All];

    internal void ForwardTraining(IBackend backend, Tensor input, ConvolutionActivations saved, BatchNormStatistics statistics)
    {
        backend.ConvolutionForward(input, Kernel.Value, Spec.Dilation, saved.Convolved);
        BatchNorm.ForwardTraining(backend, statistics, saved.Convolved, saved.Output, saved.SavedMean, saved.SavedInverseStd);
        if (HasRelu)
            backend.ReluForward(saved.Output, saved.Output);
    }

    /// <summary>
    /// gradOutput is ∂L/∂(layer output); it is overwritten (the ReLU backward runs in place). Writes the kernel, γ and β
    /// gradients, and ∂L/∂input into gradInput unless it is null (the first layer needs no input gradient).
    /// </summary>
    internal void Backward(IBackend backend, ScratchPool scratch, Tensor input, ConvolutionActivations saved, Tensor gradOutput, Tensor? gradInput,
        BatchNormStatistics statistics)
    {
        if (HasRelu)
            backend.ReluBackward(saved.Output, gradOutput, gradOutput);
        var gradConvolved = scratch.Rent(Spec.OutChannels, gradOutput, gradInput);
        BatchNorm.Backward(backend, statistics, saved.Convolved, gradOutput, saved.SavedMean, saved.SavedInverseStd, gradConvolved);
        backend.ConvolutionBackwardWeights(input, gradConvolved, Spec.Dilation, Kernel.RequireGradient());
        if (gradInput is not null)
            backend.ConvolutionBackwardData(gradConvolved, Kernel.Value, Spec.Dilation, gradInput);
    }

    /// <summary>Inference mode (running statistics). output must not be input.</summary>
    internal void ForwardInference(IBackend backend, Tensor input, Tensor output) =>
        backend.ConvolutionInferenceForward(input, before: null, Kernel.Value, Spec.Dilation, BatchNorm.Inference(HasRelu), residual: null, output);
}

/// <summary>NiftyNet's batch-norm constants: momentum 0.1 (running = 0.9·running + 0.1·batch), ε = 1e-5.</summary>
internal static class BatchNormDefaults
{
    public static readonly BatchNormSettings Settings = new(HighResNetConfiguration.BatchNormMomentum, HighResNetConfiguration.BatchNormEpsilon);
}
