using ILGPU;
using NativeSeg.Engine;
using NativeSeg.Engine.Ilgpu;
using NativeSeg.Engine.Tensors;
using NativeSeg.Kernels.Dev.Versions;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// The product's <see cref="IlgpuBackend"/> with the convolution operations run by the kernel versions chosen in
/// <see cref="Versions"/> (the training convolutions all launched from here, the product's versions included, so that
/// any mix runs; the fused inference convolution from here only for its experiment); every other operation is the
/// product's own call. The experiments queue on the inner backend's stream, on its tensors and scratch, so results and timings are
/// comparable launch for launch. A version applies where its kernel does (3×3 up to dilation 4 for V3/V4 and the
/// backward-weights V2, 1×1 for the pointwise V2); elsewhere the product's kernel runs.
/// </summary>
public sealed class ExperimentalIlgpuBackend(IlgpuBackend inner, KernelVersions versions) : DelegatingBackend(inner)
{
    private readonly IlgpuBackend _ilgpu = inner;
    private readonly ExperimentalKernelSet _kernels = new(inner.Accelerator);

    /// <summary>The product's kernels, loaded once by the product backend: the lab loads only its experiments.</summary>
    private IlgpuKernelSet Product => _ilgpu.Kernels;

    public KernelVersions Versions { get; set; } = versions ?? throw new ArgumentNullException(nameof(versions));

    /// <summary>Threads per explicit group, shared with the product backend (see <see cref="IlgpuBackend.GroupSize"/>).</summary>
    public int GroupSize
    {
        get => _ilgpu.GroupSize;
        set => _ilgpu.GroupSize = value;
    }

    public override string Description => $"{Inner.Description}, kernels: {Versions}";

    public override void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output)
    {
        const string op = nameof(ConvolutionForward);
        var g = Geometry(Convolution(op, input, weights, dilation, output));
        Forward(Versions.Forward, _ilgpu.ViewOf(op, input), _ilgpu.ViewOf(op, weights), _ilgpu.ViewOf(op, output), g);
    }

    public override void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput)
    {
        const string op = nameof(ConvolutionBackwardData);
        var g = Geometry(Convolution(op, gradInput, weights, dilation, gradOutput));
        if (Versions.BackwardData == BackwardDataVersion.V1)
        {
            Product.ConvolutionBackwardData(_ilgpu.Stream, gradInput.Length, _ilgpu.ViewOf(op, gradOutput), _ilgpu.ViewOf(op, weights),
                _ilgpu.ViewOf(op, gradInput), g);
            return;
        }
        // gradInput = forward convolution of gradOutput by the flipped, transposed weights (see the kernel file).
        var flipped = _ilgpu.Scratch(weights.Length);
        Product.FlipTransposeWeights(_ilgpu.Stream, weights.Length, _ilgpu.ViewOf(op, weights), flipped, g);
        var forward = Versions.BackwardData == BackwardDataVersion.V3 ? ForwardVersion.V3 : ForwardVersion.V4;
        Forward(forward, _ilgpu.ViewOf(op, gradOutput), flipped, _ilgpu.ViewOf(op, gradInput),
            ConvolutionBackwardDataTransposedKernels.TransposedGeometry(g));
    }

    public override void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights)
    {
        const string op = nameof(ConvolutionBackwardWeights);
        var g = Geometry(Convolution(op, input, gradWeights, dilation, gradOutput));
        int taps = g.Kernel * g.Kernel;
        bool blocked = Versions.BackwardWeights == BackwardWeightsVersion.V2 && g.Kernel == 3
            && g.Dilation <= ConvolutionBackwardWeightsV2Kernels.MaxDilation;
        bool pointwise = Versions.PointwiseWeights == PointwiseWeightsVersion.V2 && g.Kernel == 1;
        var layout = blocked ? ConvolutionBackwardWeightsV2Kernels.Layout(g)
            : pointwise ? Convolution1x1BackwardWeightsKernels.Layout(g)
            : new ReductionLayout(g.OutChannels * g.InChannels, g.Batch * g.Plane, IlgpuBackend.SlicesFor(g.Batch * g.Plane));
        var partials = _ilgpu.Scratch((long)layout.Groups * taps);
        var x = _ilgpu.ViewOf(op, input);
        var dy = _ilgpu.ViewOf(op, gradOutput);
        if (blocked)
            Product.BackwardWeightsV2Partials(_ilgpu.Stream, Groups(ConvolutionBackwardWeightsV2Kernels.Groups(g, GroupSize)), x, dy, partials, g, layout);
        else if (pointwise)
            _kernels.PointwiseBackwardWeightsPartials(_ilgpu.Stream, Groups(Convolution1x1BackwardWeightsKernels.Groups(g, GroupSize)), x, dy, partials, g, layout);
        else
            Product.ConvolutionBackwardWeightsPartials(_ilgpu.Stream, Groups(layout.Groups), x, dy, partials, g, layout);
        Product.SumPartials(_ilgpu.Stream, gradWeights.Length, partials, _ilgpu.ViewOf(op, gradWeights), layout, taps);
    }

    /// <summary>
    /// Inference V3 (3×3 up to dilation 4): the batch norms folded as the product does, then the fused kernel on V3
    /// tiles. Anything else is the product's call.
    /// </summary>
    public override void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation,
        InferenceBatchNorm? after, Tensor? residual, Tensor output)
    {
        const string op = nameof(ConvolutionInferenceForward);
        var (s, skipChannels, skipOffset) = ConvolutionInference(op, input, before, weights, dilation, after, residual, output);
        var g = Geometry(s);
        if (Versions.Inference == InferenceVersion.V2 || g.Kernel != 3 || g.Dilation > ConvolutionForwardV3Kernels.MaxDilation)
        {
            Inner.ConvolutionInferenceForward(input, before, weights, dilation, after, residual, output);
            return;
        }
        var constants = _ilgpu.Scratch(3L * (s.InChannels + s.OutChannels));
        var inputConstants = constants.SubView(0, 3 * s.InChannels);
        var outputConstants = constants.SubView(3 * s.InChannels, 3 * s.OutChannels);
        if (before is not null) Fold(before, inputConstants, s.InChannels);
        if (after is not null) Fold(after, outputConstants, s.OutChannels);
        var stages = new FusedStages(before is not null, before?.Relu == true, after is not null, after?.Relu == true, skipChannels, skipOffset);
        var outputView = _ilgpu.ViewOf(op, output);
        // Without a residual the kernel never reads that argument; any valid view will do.
        var residualView = residual is null ? outputView : _ilgpu.ViewOf(op, residual);
        _kernels.InferenceV3(_ilgpu.Stream, Groups(ConvolutionForwardV3Kernels.Groups(g, GroupSize)), _ilgpu.ViewOf(op, input),
            _ilgpu.ViewOf(op, weights), outputView, g, inputConstants, outputConstants, residualView, stages);
    }

    private void Fold(InferenceBatchNorm norm, ArrayView<float> constants, int channels)
    {
        const string op = nameof(ConvolutionInferenceForward);
        Product.FoldBatchNorm(_ilgpu.Stream, channels, _ilgpu.ViewOf(op, norm.Gamma), _ilgpu.ViewOf(op, norm.Beta),
            _ilgpu.ViewOf(op, norm.RunningMean), _ilgpu.ViewOf(op, norm.RunningVariance), norm.Epsilon, constants, channels);
    }

    /// <summary>
    /// Queues a forward kernel: for 1×1 weights the pointwise choice, for 3×3 up to dilation 4 the given version,
    /// V1 otherwise.
    /// </summary>
    private void Forward(ForwardVersion version, ArrayView<float> input, ArrayView<float> weights, ArrayView<float> output, ConvolutionGeometry g)
    {
        var stream = _ilgpu.Stream;
        bool tiled = g.Kernel == 3 && g.Dilation <= ConvolutionForwardV3Kernels.MaxDilation;
        if (g.Kernel == 1 && Versions.Pointwise == PointwiseVersion.V2)
            Product.Convolution1x1V2(stream, Groups(Convolution1x1V2Kernels.Groups(g, GroupSize)), input, weights, output, g);
        else if (tiled && version == ForwardVersion.V4)
            _kernels.ForwardV4(stream, Groups(ConvolutionForwardV4Kernels.Groups(g, GroupSize)), input, weights, output, g);
        else if (tiled && version == ForwardVersion.V3)
            Product.ConvolutionForwardV3(stream, Groups(ConvolutionForwardV3Kernels.Groups(g, GroupSize)), input, weights, output, g);
        else if (tiled && version == ForwardVersion.V2)
            _kernels.ForwardV2(stream, Groups(ConvolutionForwardV2Kernels.ForwardV2Groups(g, GroupSize)), input, weights, output, g);
        else
            Product.ConvolutionForwardV1(stream, g.Batch * g.OutChannels * g.Plane, input, weights, output, g);
    }

    private KernelConfig Groups(int groups) => new(groups, GroupSize);

    private static ConvolutionGeometry Geometry(ConvolutionSizes s) =>
        new(s.Batch, s.InChannels, s.OutChannels, s.Height, s.Width, s.Kernel, s.Dilation);
}
