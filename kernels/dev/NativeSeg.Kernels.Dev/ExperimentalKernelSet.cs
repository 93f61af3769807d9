using ILGPU;
using ILGPU.Runtime;
using NativeSeg.Kernels.Dev.Versions;
using View = ILGPU.ArrayView<float>;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// The experimental kernels, loaded once on an accelerator, plus the two product kernels they build on
/// (forward V1 as the fallback on flipped weights, and the stage-2 sum of the backward-weights partials).
/// </summary>
internal sealed class ExperimentalKernelSet(Accelerator a)
{
    public Action<AcceleratorStream, Index1D, View, View, View, ConvolutionGeometry> ForwardV1 { get; } =
        a.LoadAutoGroupedKernel<Index1D, View, View, View, ConvolutionGeometry>(ConvolutionKernels.ConvolutionForwardV1);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ForwardV2 { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionKernels.ConvolutionForwardV2);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ForwardV3 { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionForwardV3Kernels.ConvolutionForwardV3);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ForwardV4 { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionForwardV4Kernels.ConvolutionForwardV4);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> Pointwise { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry>(Convolution1x1V2Kernels.Convolution1x1V2);

    public Action<AcceleratorStream, Index1D, View, View, ConvolutionGeometry> FlipTransposeWeights { get; } =
        a.LoadAutoGroupedKernel<Index1D, View, View, ConvolutionGeometry>(ConvolutionBackwardDataTransposedKernels.FlipTransposeWeights);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> BackwardWeightsV2Partials { get; } =
        a.LoadKernel<View, View, View, ConvolutionGeometry, ReductionLayout>(ConvolutionBackwardWeightsV2Kernels.BackwardWeightsV2Partials);

    public Action<AcceleratorStream, Index1D, View, View, ReductionLayout, int> SumPartials { get; } =
        a.LoadAutoGroupedKernel<Index1D, View, View, ReductionLayout, int>(ReductionKernels.SumPartials);
}
