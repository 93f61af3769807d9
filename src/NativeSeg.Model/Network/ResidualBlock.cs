using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Network;

/// <summary>
/// One HighResNet residual block: y = conv2(ReLU(BN2(conv1(ReLU(BN1(x)))))) + pad(x). The skip is the block input
/// itself, taken before BN1; when the block widens the channels it is zero-padded, centred (offset ⌊Δ/2⌋).
/// </summary>
public sealed class ResidualBlock
{
    internal ResidualBlock(LayerSpec spec, BatchNormParameters first, ModelTensor firstKernel, BatchNormParameters second, ModelTensor secondKernel)
    {
        Spec = spec;
        FirstBatchNorm = first;
        FirstKernel = firstKernel;
        SecondBatchNorm = second;
        SecondKernel = secondKernel;
    }

    public LayerSpec Spec { get; }

    /// <summary><c>{name}.bn1.*</c> over the block's input channels.</summary>
    public BatchNormParameters FirstBatchNorm { get; }

    /// <summary><c>{name}.conv1.weight</c> [Cout, Cin, 3, 3].</summary>
    public ModelTensor FirstKernel { get; }

    /// <summary><c>{name}.bn2.*</c>.</summary>
    public BatchNormParameters SecondBatchNorm { get; }

    /// <summary><c>{name}.conv2.weight</c> [Cout, Cout, 3, 3].</summary>
    public ModelTensor SecondKernel { get; }

    internal IEnumerable<ModelTensor> Tensors => [.. FirstBatchNorm.All, FirstKernel, .. SecondBatchNorm.All, SecondKernel];

    internal void ForwardTraining(IBackend backend, Tensor input, BlockActivations saved, BatchNormStatistics statistics)
    {
        int d = Spec.Dilation;
        FirstBatchNorm.ForwardTraining(backend, statistics, input, saved.FirstActivated, saved.FirstMean, saved.FirstInverseStd);
        backend.ReluForward(saved.FirstActivated, saved.FirstActivated);
        backend.ConvolutionForward(saved.FirstActivated, FirstKernel.Value, d, saved.FirstConvolved);
        SecondBatchNorm.ForwardTraining(backend, statistics, saved.FirstConvolved, saved.SecondActivated, saved.SecondMean, saved.SecondInverseStd);
        backend.ReluForward(saved.SecondActivated, saved.SecondActivated);
        backend.ConvolutionForward(saved.SecondActivated, SecondKernel.Value, d, saved.Output);
        backend.ResidualAddForward(saved.Output, input, saved.Output);
    }

    /// <summary>
    /// Given gradOutput = ∂L/∂y (left intact), writes every parameter gradient of the block and returns ∂L/∂x in a
    /// scratch tensor: the main path's share through BN1, plus the skip's share added by ResidualAddBackwardSkip.
    /// </summary>
    internal Tensor Backward(IBackend backend, ScratchPool scratch, Tensor input, BlockActivations saved, Tensor gradOutput,
        BatchNormStatistics statistics)
    {
        int d = Spec.Dilation;
        var gradSecondActivated = scratch.Rent(Spec.OutChannels, gradOutput);
        backend.ConvolutionBackwardWeights(saved.SecondActivated, gradOutput, d, SecondKernel.RequireGradient());
        backend.ConvolutionBackwardData(gradOutput, SecondKernel.Value, d, gradSecondActivated);
        backend.ReluBackward(saved.SecondActivated, gradSecondActivated, gradSecondActivated);

        var gradFirstConvolved = scratch.Rent(Spec.OutChannels, gradOutput, gradSecondActivated);
        SecondBatchNorm.Backward(backend, statistics, saved.FirstConvolved, gradSecondActivated, saved.SecondMean, saved.SecondInverseStd,
            gradFirstConvolved);

        backend.ConvolutionBackwardWeights(saved.FirstActivated, gradFirstConvolved, d, FirstKernel.RequireGradient());
        var gradFirstActivated = scratch.Rent(Spec.InChannels, gradOutput, gradFirstConvolved);
        backend.ConvolutionBackwardData(gradFirstConvolved, FirstKernel.Value, d, gradFirstActivated);
        backend.ReluBackward(saved.FirstActivated, gradFirstActivated, gradFirstActivated);

        var gradInput = scratch.Rent(Spec.InChannels, gradOutput, gradFirstActivated);
        FirstBatchNorm.Backward(backend, statistics, input, gradFirstActivated, saved.FirstMean, saved.FirstInverseStd, gradInput);
        backend.ResidualAddBackwardSkip(gradOutput, gradInput);
        return gradInput;
    }

    /// <summary>Inference mode: returns the block output in a scratch tensor (never the input's).</summary>
    internal Tensor ForwardInference(IBackend backend, ScratchPool scratch, Tensor input)
    {
        // Two fused calls instead of seven passes: BN₁ + ReLU ride on the first convolution's input copy, BN₂ + ReLU on
        // its output rows; the skip is added to the second convolution's output rows.
        var firstActivated = scratch.Rent(Spec.OutChannels, input);
        backend.ConvolutionInferenceForward(input, FirstBatchNorm.Inference(relu: true), FirstKernel.Value, Spec.Dilation,
            SecondBatchNorm.Inference(relu: true), residual: null, firstActivated);
        var output = scratch.Rent(Spec.OutChannels, input, firstActivated);
        backend.ConvolutionInferenceForward(firstActivated, before: null, SecondKernel.Value, Spec.Dilation, after: null, residual: input, output);
        return output;
    }
}
