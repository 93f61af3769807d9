using ILGPU;
using ILGPU.Runtime;
using NativeSeg.Kernels.Dev.Versions;
using View = ILGPU.ArrayView<float>;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// Every convolution kernel version, loaded once on an accelerator: the lab's yardsticks and experiments (V1, forward
/// V2 and V4) and the product's (forward V3, 1×1 V2, the flip for backward-data, the weight gradient V2), so that any
/// mix of versions can run, whatever the product's backend picks.
/// </summary>
internal sealed class ExperimentalKernelSet(Accelerator a)
{
    public Action<AcceleratorStream, Index1D, View, View, View, ConvolutionGeometry> ForwardV1 { get; } =
        a.LoadAutoGroupedKernel<Index1D, View, View, View, ConvolutionGeometry>(ConvolutionKernels.ConvolutionForwardV1);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ForwardV2 { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionForwardV2Kernels.ConvolutionForwardV2);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ForwardV3 { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionForwardV3Kernels.ConvolutionForwardV3);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ForwardV4 { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionForwardV4Kernels.ConvolutionForwardV4);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> Pointwise { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry>(Convolution1x1V2Kernels.Convolution1x1V2);

    public Action<AcceleratorStream, Index1D, View, View, ConvolutionGeometry> FlipTransposeWeights { get; } =
        a.LoadAutoGroupedKernel<Index1D, View, View, ConvolutionGeometry>(ConvolutionBackwardDataTransposedKernels.FlipTransposeWeights);

    public Action<AcceleratorStream, Index1D, View, View, View, ConvolutionGeometry> BackwardDataV1 { get; } =
        a.LoadAutoGroupedKernel<Index1D, View, View, View, ConvolutionGeometry>(ConvolutionKernels.ConvolutionBackwardData);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> BackwardWeightsV1Partials { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry, ReductionLayout>(ConvolutionKernels.ConvolutionBackwardWeightsPartials);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> BackwardWeightsV2Partials { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry, ReductionLayout>(ConvolutionBackwardWeightsV2Kernels.BackwardWeightsV2Partials);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> PointwiseWeightGradientPartials { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry, ReductionLayout>(Convolution1x1WeightGradientKernels.WeightGradientPartials);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, View, View, View, FusedStages> InferenceV3 { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry, View, View, View, FusedStages>(ConvolutionInferenceV3Kernels.ConvolutionInferenceForwardV3);

    public Action<AcceleratorStream, Index1D, View, View, View, View, float, View, int> FoldBatchNorm { get; } =
        a.LoadAutoGroupedKernel<Index1D, View, View, View, View, float, View, int>(ConvolutionInferenceKernels.FoldBatchNorm);

    public Action<AcceleratorStream, Index1D, View, View, ReductionLayout, int> SumPartials { get; } =
        a.LoadAutoGroupedKernel<Index1D, View, View, ReductionLayout, int>(ReductionKernels.SumPartials);
}
