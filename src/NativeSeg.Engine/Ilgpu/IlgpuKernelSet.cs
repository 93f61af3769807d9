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
        Fill = a.LoadAutoGroupedKernel<Index1D, View, float>(MemoryKernels.Fill);
        Copy = a.LoadAutoGroupedKernel<Index1D, View, View>(MemoryKernels.Copy);

        ConvolutionForwardV1 = a.LoadAutoGroupedKernel<Index1D, View, View, View, ConvolutionGeometry>(ConvolutionKernels.ConvolutionForwardV1);
        ConvolutionForwardV3 = a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionForwardV3Kernels.ConvolutionForwardV3);
        Convolution1x1V2 = a.LoadKernel<View, View, View, ConvolutionGeometry>(Convolution1x1V2Kernels.Convolution1x1V2);
        ConvolutionInferenceForwardV2 = a.LoadKernel<View, View, View, ConvolutionGeometry, View, View, View, FusedStages>(
            ConvolutionInferenceKernels.ConvolutionInferenceForwardV2);
        FoldBatchNorm = a.LoadAutoGroupedKernel<Index1D, View, View, View, View, float, View, int>(ConvolutionInferenceKernels.FoldBatchNorm);
        ConvolutionBackwardData = a.LoadAutoGroupedKernel<Index1D, View, View, View, ConvolutionGeometry>(ConvolutionKernels.ConvolutionBackwardData);
        FlipTransposeWeights = a.LoadAutoGroupedKernel<Index1D, View, View, ConvolutionGeometry>(ConvolutionBackwardDataTransposedKernels.FlipTransposeWeights);
        ConvolutionBackwardWeightsPartials = a.LoadKernel<View, View, View, ConvolutionGeometry, ReductionLayout>(ConvolutionKernels.ConvolutionBackwardWeightsPartials);
        BackwardWeightsV2Partials = a.LoadKernel<View, View, View, ConvolutionGeometry, ReductionLayout>(ConvolutionBackwardWeightsV2Kernels.BackwardWeightsV2Partials);
        SumPartials = a.LoadAutoGroupedKernel<Index1D, View, View, ReductionLayout, int>(ReductionKernels.SumPartials);
        SumOfSquaresPartials = a.LoadKernel<View, ArrayView<double>, ReductionLayout>(ReductionKernels.SumOfSquaresPartials);

        ChannelSumPartials = a.LoadKernel<View, View, NchwGeometry, ReductionLayout>(BatchNormKernels.ChannelSumPartials);
        FinishMean = a.LoadAutoGroupedKernel<Index1D, View, View, ReductionLayout>(BatchNormKernels.FinishMean);
        CenteredSquarePartials = a.LoadKernel<View, View, View, NchwGeometry, ReductionLayout>(BatchNormKernels.CenteredSquarePartials);
        FinishVariance = a.LoadAutoGroupedKernel<Index1D, View, View, View, View, View, float, float, ReductionLayout>(BatchNormKernels.FinishVariance);
        Normalize = a.LoadAutoGroupedKernel<Index1D, View, View, View, View, View, View, NchwGeometry>(BatchNormKernels.Normalize);
        InverseStdFromVariance = a.LoadAutoGroupedKernel<Index1D, View, View, float>(BatchNormKernels.InverseStdFromVariance);
        BatchNormBackwardPartials = a.LoadKernel<View, View, View, View, View, View, NchwGeometry, ReductionLayout>(BatchNormKernels.BackwardPartials);
        BatchNormFinishBackward = a.LoadAutoGroupedKernel<Index1D, View, View, View, View, ReductionLayout>(BatchNormKernels.FinishBackward);
        BatchNormBackwardData = a.LoadAutoGroupedKernel<Index1D, View, View, View, View, View, View, View, View, NchwGeometry>(BatchNormKernels.BackwardData);

        ReluForward = a.LoadAutoGroupedKernel<Index1D, View, View>(ReluKernels.ReluForward);
        ReluBackward = a.LoadAutoGroupedKernel<Index1D, View, View, View>(ReluKernels.ReluBackward);
        ResidualAddForward = a.LoadAutoGroupedKernel<Index1D, View, View, View, NchwGeometry, int, int>(ResidualKernels.ResidualAddForward);
        ResidualAddBackwardSkip = a.LoadAutoGroupedKernel<Index1D, View, View, NchwGeometry, int, int>(ResidualKernels.ResidualAddBackwardSkip);

        SoftmaxForward = a.LoadAutoGroupedKernel<Index1D, View, View, NchwGeometry>(SoftmaxDiceKernels.SoftmaxForward);
        DiceSumPartials = a.LoadKernel<View, View, View, NchwGeometry, ReductionLayout>(SoftmaxDiceKernels.DiceSumPartials);
        DiceSliceLoss = a.LoadAutoGroupedKernel<Index1D, View, View, int, float, ReductionLayout>(SoftmaxDiceKernels.DiceSliceLoss);
        DiceFractions = a.LoadAutoGroupedKernel<Index1D, View, View, View, float, ReductionLayout>(SoftmaxDiceKernels.DiceFractions);
        DiceGradientLogits = a.LoadAutoGroupedKernel<Index1D, View, View, View, View, View, NchwGeometry>(SoftmaxDiceKernels.DiceGradientLogits);

        AdamStep = a.LoadAutoGroupedKernel<Index1D, View, View, View, View, AdamConstants>(AdamKernels.AdamStep);

        ResizeForward = a.LoadAutoGroupedKernel<Index1D, View, View, ResizeGeometry>(ResizeKernels.ResizeBilinearForward);
        ResizeBackwardColumns = a.LoadAutoGroupedKernel<Index1D, View, View, ResizeGeometry>(ResizeKernels.ResizeBilinearBackwardColumns);
        ResizeBackwardRows = a.LoadAutoGroupedKernel<Index1D, View, View, ResizeGeometry>(ResizeKernels.ResizeBilinearBackwardRows);
    }

    public Action<AcceleratorStream, Index1D, View, float> Fill { get; }
    public Action<AcceleratorStream, Index1D, View, View> Copy { get; }

    public Action<AcceleratorStream, Index1D, View, View, View, ConvolutionGeometry> ConvolutionForwardV1 { get; }
    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ConvolutionForwardV3 { get; }
    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> Convolution1x1V2 { get; }
    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, View, View, View, FusedStages> ConvolutionInferenceForwardV2 { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, View, float, View, int> FoldBatchNorm { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, ConvolutionGeometry> ConvolutionBackwardData { get; }
    public Action<AcceleratorStream, Index1D, View, View, ConvolutionGeometry> FlipTransposeWeights { get; }
    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> ConvolutionBackwardWeightsPartials { get; }
    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> BackwardWeightsV2Partials { get; }
    public Action<AcceleratorStream, Index1D, View, View, ReductionLayout, int> SumPartials { get; }
    public Action<AcceleratorStream, KernelConfig, View, ArrayView<double>, ReductionLayout> SumOfSquaresPartials { get; }

    public Action<AcceleratorStream, KernelConfig, View, View, NchwGeometry, ReductionLayout> ChannelSumPartials { get; }
    public Action<AcceleratorStream, Index1D, View, View, ReductionLayout> FinishMean { get; }
    public Action<AcceleratorStream, KernelConfig, View, View, View, NchwGeometry, ReductionLayout> CenteredSquarePartials { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, View, View, float, float, ReductionLayout> FinishVariance { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, View, View, View, NchwGeometry> Normalize { get; }
    public Action<AcceleratorStream, Index1D, View, View, float> InverseStdFromVariance { get; }
    public Action<AcceleratorStream, KernelConfig, View, View, View, View, View, View, NchwGeometry, ReductionLayout> BatchNormBackwardPartials { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, View, ReductionLayout> BatchNormFinishBackward { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, View, View, View, View, View, NchwGeometry> BatchNormBackwardData { get; }

    public Action<AcceleratorStream, Index1D, View, View> ReluForward { get; }
    public Action<AcceleratorStream, Index1D, View, View, View> ReluBackward { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, NchwGeometry, int, int> ResidualAddForward { get; }
    public Action<AcceleratorStream, Index1D, View, View, NchwGeometry, int, int> ResidualAddBackwardSkip { get; }

    public Action<AcceleratorStream, Index1D, View, View, NchwGeometry> SoftmaxForward { get; }
    public Action<AcceleratorStream, KernelConfig, View, View, View, NchwGeometry, ReductionLayout> DiceSumPartials { get; }
    public Action<AcceleratorStream, Index1D, View, View, int, float, ReductionLayout> DiceSliceLoss { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, float, ReductionLayout> DiceFractions { get; }
    public Action<AcceleratorStream, Index1D, View, View, View, View, View, NchwGeometry> DiceGradientLogits { get; }

    public Action<AcceleratorStream, Index1D, View, View, View, View, AdamConstants> AdamStep { get; }

    public Action<AcceleratorStream, Index1D, View, View, ResizeGeometry> ResizeForward { get; }
    public Action<AcceleratorStream, Index1D, View, View, ResizeGeometry> ResizeBackwardColumns { get; }
    public Action<AcceleratorStream, Index1D, View, View, ResizeGeometry> ResizeBackwardRows { get; }
}
