using ILGPU;
using ILGPU.Runtime;
using NativeSeg.Kernels;
using View = ILGPU.ArrayView<float>;

namespace NativeSeg.Engine.Ilgpu;

/// <summary>
/// Every kernel of <c>NativeSeg.Kernels</c>, loaded (compiled for the accelerator) once when the backend starts;
/// the launch delegates are kept for the backend's life. Implicitly grouped kernels take (stream, element count,
/// arguments…) and let ILGPU pick the group size; explicitly grouped ones take (stream, KernelConfig, arguments…).
/// </summary>
internal sealed class IlgpuKernelSet
{
    public IlgpuKernelSet(Accelerator a)
    {
        AutoGrouped(a, MemoryKernels.Fill, out Fill);
        AutoGrouped(a, MemoryKernels.Copy, out Copy);

        AutoGrouped(a, ConvolutionKernels.ConvolutionForwardV1, out ConvolutionForwardV1);
        Explicit(a, ConvolutionForwardV3Kernels.ConvolutionForwardV3, out ConvolutionForwardV3);
        Explicit(a, Convolution1x1V2Kernels.Convolution1x1V2, out Convolution1x1V2);
        Explicit(a, ConvolutionInferenceKernels.ConvolutionInferenceForwardV2, out ConvolutionInferenceForwardV2);
        AutoGrouped(a, ConvolutionInferenceKernels.FoldBatchNorm, out FoldBatchNorm);
        AutoGrouped(a, ConvolutionKernels.ConvolutionBackwardData, out ConvolutionBackwardData);
        AutoGrouped(a, ConvolutionBackwardDataTransposedKernels.FlipTransposeWeights, out FlipTransposeWeights);
        Explicit(a, ConvolutionKernels.ConvolutionBackwardWeightsPartials, out ConvolutionBackwardWeightsPartials);
        Explicit(a, ConvolutionBackwardWeightsV2Kernels.BackwardWeightsV2Partials, out BackwardWeightsV2Partials);
        AutoGrouped(a, ReductionKernels.SumPartials, out SumPartials);
        Explicit(a, ReductionKernels.SumOfSquaresPartials, out SumOfSquaresPartials);

        Explicit(a, BatchNormKernels.ChannelSumPartials, out ChannelSumPartials);
        AutoGrouped(a, BatchNormKernels.FinishMean, out FinishMean);
        Explicit(a, BatchNormKernels.CenteredSquarePartials, out CenteredSquarePartials);
        AutoGrouped(a, BatchNormKernels.FinishVariance, out FinishVariance);
        AutoGrouped(a, BatchNormKernels.Normalize, out Normalize);
        AutoGrouped(a, BatchNormKernels.InverseStdFromVariance, out InverseStdFromVariance);
        Explicit(a, BatchNormKernels.BackwardPartials, out BatchNormBackwardPartials);
        AutoGrouped(a, BatchNormKernels.FinishBackward, out BatchNormFinishBackward);
        AutoGrouped(a, BatchNormKernels.BackwardData, out BatchNormBackwardData);
        AutoGrouped(a, BatchNormKernels.InferenceBackwardData, out BatchNormInferenceBackwardData);

        AutoGrouped(a, ReluKernels.ReluForward, out ReluForward);
        AutoGrouped(a, ReluKernels.ReluBackward, out ReluBackward);
        AutoGrouped(a, ResidualKernels.ResidualAddForward, out ResidualAddForward);
        AutoGrouped(a, ResidualKernels.ResidualAddBackwardSkip, out ResidualAddBackwardSkip);

        AutoGrouped(a, SoftmaxDiceKernels.SoftmaxForward, out SoftmaxForward);
        Explicit(a, SoftmaxDiceKernels.DiceSumPartials, out DiceSumPartials);
        AutoGrouped(a, SoftmaxDiceKernels.DiceSliceLoss, out DiceSliceLoss);
        AutoGrouped(a, SoftmaxDiceKernels.DiceFractions, out DiceFractions);
        AutoGrouped(a, SoftmaxDiceKernels.DiceGradientLogits, out DiceGradientLogits);
        Explicit(a, CrossEntropyKernels.CrossEntropySumPartials, out CrossEntropySumPartials);
        AutoGrouped(a, CrossEntropyKernels.CrossEntropySliceLoss, out CrossEntropySliceLoss);
        AutoGrouped(a, CrossEntropyKernels.CrossEntropyGradientAdd, out CrossEntropyGradientAdd);

        AutoGrouped(a, AdamKernels.AdamStep, out AdamStep);

        AutoGrouped(a, ResizeKernels.ResizeBilinearForward, out ResizeForward);
        AutoGrouped(a, ResizeKernels.ResizeBilinearBackwardColumns, out ResizeBackwardColumns);
        AutoGrouped(a, ResizeKernels.ResizeBilinearBackwardRows, out ResizeBackwardRows);
    }

    public readonly Action<AcceleratorStream, Index1D, View, float> Fill;
    public readonly Action<AcceleratorStream, Index1D, View, View> Copy;

    public readonly Action<AcceleratorStream, Index1D, View, View, View, ConvolutionGeometry> ConvolutionForwardV1;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ConvolutionForwardV3;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> Convolution1x1V2;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, View, View, View, FusedStages> ConvolutionInferenceForwardV2;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, View, float, View, int> FoldBatchNorm;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, ConvolutionGeometry> ConvolutionBackwardData;
    public readonly Action<AcceleratorStream, Index1D, View, View, ConvolutionGeometry> FlipTransposeWeights;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> ConvolutionBackwardWeightsPartials;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> BackwardWeightsV2Partials;
    public readonly Action<AcceleratorStream, Index1D, View, View, ReductionLayout, int> SumPartials;
    public readonly Action<AcceleratorStream, KernelConfig, View, ArrayView<double>, ReductionLayout> SumOfSquaresPartials;

    public readonly Action<AcceleratorStream, KernelConfig, View, View, NchwGeometry, ReductionLayout> ChannelSumPartials;
    public readonly Action<AcceleratorStream, Index1D, View, View, ReductionLayout> FinishMean;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, NchwGeometry, ReductionLayout> CenteredSquarePartials;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, View, View, float, float, ReductionLayout> FinishVariance;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, View, View, View, NchwGeometry> Normalize;
    public readonly Action<AcceleratorStream, Index1D, View, View, float> InverseStdFromVariance;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, View, View, View, NchwGeometry, ReductionLayout> BatchNormBackwardPartials;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, View, ReductionLayout> BatchNormFinishBackward;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, View, View, View, View, View, NchwGeometry> BatchNormBackwardData;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, View, NchwGeometry> BatchNormInferenceBackwardData;

    public readonly Action<AcceleratorStream, Index1D, View, View> ReluForward;
    public readonly Action<AcceleratorStream, Index1D, View, View, View> ReluBackward;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, NchwGeometry, int, int> ResidualAddForward;
    public readonly Action<AcceleratorStream, Index1D, View, View, NchwGeometry, int, int> ResidualAddBackwardSkip;

    public readonly Action<AcceleratorStream, Index1D, View, View, NchwGeometry> SoftmaxForward;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, int, View, NchwGeometry, ReductionLayout> DiceSumPartials;
    public readonly Action<AcceleratorStream, Index1D, View, View, int, float, ReductionLayout> DiceSliceLoss;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, float, ReductionLayout> DiceFractions;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, int, View, View, View, NchwGeometry> DiceGradientLogits;
    public readonly Action<AcceleratorStream, KernelConfig, View, View, View, NchwGeometry, ReductionLayout> CrossEntropySumPartials;
    public readonly Action<AcceleratorStream, Index1D, View, View, int, ReductionLayout> CrossEntropySliceLoss;
    public readonly Action<AcceleratorStream, Index1D, View, View, View, float, NchwGeometry> CrossEntropyGradientAdd;

    public readonly Action<AcceleratorStream, Index1D, View, View, View, View, AdamConstants> AdamStep;

    public readonly Action<AcceleratorStream, Index1D, View, View, ResizeGeometry> ResizeForward;
    public readonly Action<AcceleratorStream, Index1D, View, View, ResizeGeometry> ResizeBackwardColumns;
    public readonly Action<AcceleratorStream, Index1D, View, View, ResizeGeometry> ResizeBackwardRows;

    // Each launcher's delegate type is written once, on its field; the loader takes it from the out argument (C# does
    // not infer a generic argument from an assignment target). A kernel whose parameters do not match its field's type
    // fails here, when the backend starts, with ILGPU's "cannot bind" error: every ilgpu-cpu test starts it.
    private static void AutoGrouped<TLauncher>(Accelerator a, Delegate kernel, out TLauncher launcher) where TLauncher : Delegate =>
        launcher = a.LoadAutoGroupedKernel<TLauncher>(kernel.Method);

    private static void Explicit<TLauncher>(Accelerator a, Delegate kernel, out TLauncher launcher) where TLauncher : Delegate =>
        launcher = a.LoadKernel<TLauncher>(kernel.Method);
}
