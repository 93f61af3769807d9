using ILGPU;
using ILGPU.Runtime;
using NativeSeg.Kernels.Dev.Versions;
using View = ILGPU.ArrayView<float>;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// The lab's kernels that the product does not load (forward V2 and V4, the fused inference V3, the 1×1 weight-gradient
/// GEMM). Everything else the lab runs, V1 included, is the product's loaded kernel (<c>IlgpuBackend.Kernels</c>), so
/// no kernel method is loaded twice on one accelerator.
///
/// Each experiment is compiled on its first launch, not when the lab starts, so a run compiles only what it uses.
/// (While the machine was busy with builds, 2026-12-04, ILGPU's CPU simulator gave wrong results for the first launches
/// of an implicitly grouped kernel in 2 of 16 `bench-kernels` runs with every experiment loaded up front, and in none
/// of 16 with them loaded on first use; the product's tests failed the same way once. Not reproduced on a quiet
/// machine, cause not found; `benchmarks/RESULTS.md` "GPU" keeps the record.)
/// </summary>
internal sealed class ExperimentalKernelSet(Accelerator a)
{
    private Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry>? _forwardV2;
    private Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry>? _forwardV4;
    private Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout>? _pointwiseBackwardWeights;
    private Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, View, View, View, FusedStages>? _inferenceV3;

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ForwardV2 =>
        _forwardV2 ??= a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionForwardV2Kernels.ConvolutionForwardV2);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry> ForwardV4 =>
        _forwardV4 ??= a.LoadKernel<View, View, View, ConvolutionGeometry>(ConvolutionForwardV4Kernels.ConvolutionForwardV4);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, ReductionLayout> PointwiseBackwardWeightsPartials =>
        _pointwiseBackwardWeights ??= a.LoadKernel<View, View, View, ConvolutionGeometry, ReductionLayout>(
            Convolution1x1BackwardWeightsKernels.BackwardWeightsPartials);

    public Action<AcceleratorStream, KernelConfig, View, View, View, ConvolutionGeometry, View, View, View, FusedStages> InferenceV3 =>
        _inferenceV3 ??= a.LoadKernel<View, View, View, ConvolutionGeometry, View, View, View, FusedStages>(
            ConvolutionInferenceV3Kernels.ConvolutionInferenceForwardV3);
}
