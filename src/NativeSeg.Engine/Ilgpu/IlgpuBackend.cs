// How the kernels are grouped, and why:
// - Elementwise and "one output element per thread" kernels (fill, copy, ReLU, residual add, BN normalise and its
//   backward data pass, softmax, Dice gradient, Adam, resize, the naive convolution V1 and the backward-data
//   convolution) are implicitly grouped: each thread owns exactly one output value, needs no neighbour and no
//   barrier, and ILGPU picks a group size that fills the device. Owning the output means no two threads ever
//   write one element: no atomics, and the same answer every run.
// - Reductions (BN mean/variance, BN backward Σdy and Σdy·x̂, convolution weight gradients, Dice sums per
//   (slice, class), the sum of squares) are explicitly grouped, 256 threads (8 warps) on a GPU: a group reduces one
//   fixed slice of one segment through a shared-memory tree in a fixed order and writes one partial (stage 1);
//   a second kernel, or the host for the sum of squares, adds the partials of a segment in slice order
//   (stage 2). The slicing depends only on the shapes (see SlicesFor), so results repeat bit for bit; float
//   atomics, which ILGPU.Algorithms' reductions use, would not.
// - The convolutions are explicitly grouped and register-blocked (kernels measured fastest on an H200, 2026-12-04,
//   benchmarks/RESULTS.md "GPU"): 3×3 forward V3 (a 32×32 output tile × 8 output channels per group, each thread
//   4 pixels × 8 channels in registers, 4 input channels staged per barrier pair), 1×1 forward V2 (a GEMM over
//   channels), backward-data as the forward kernel on flipped, transposed weights, and the 3×3 weight gradient
//   V2 (an implicit GEMM with fixed-order partials). V1 (one thread per output, or one tree per weight) runs
//   anything else. The fused inference convolution keeps its 8×32 shared-memory tiles (measured there: 6.7 ms per
//   slice of the whole network); its V3-tiled twin waits in the lab for a GPU run.
// - Only the kernels this backend runs live here. The losers and newer experiments (forward V2 and V4, the fused
//   inference on V3 tiles, a 1×1 weight-gradient GEMM) live in kernels/dev with their checker and timer (the `nativeseg-gpu` program); one
//   is promoted here only once it has measured faster on a GPU (benchmarks/gpu/README.md).
// - The explicit group size is a launch choice (GroupSize, a power of two from 32 to 256; kernels read
//   Group.DimX). The GPU uses 256. ILGPU's CPU simulator runs every simulated thread as an OS thread and its
//   group barriers cost milliseconds with 256 of them on a small machine, so it defaults to one warp (32
//   threads, tiles of 1×32); the tests also run the 256-thread shape there. A different group size changes the
//   order of the tree's adds, so cuda and ilgpu-cpu can differ in the last bits; each repeats itself exactly.
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using NativeSeg.Engine.Tensors;
using NativeSeg.Kernels;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Ilgpu;

/// <summary>
/// The ILGPU backend: the kernels of <c>NativeSeg.Kernels</c> on an NVIDIA GPU ("cuda") or on ILGPU's CPU
/// simulator ("ilgpu-cpu", for correctness tests only: it runs one OS thread per GPU thread and is slow).
/// All work is queued on one stream in call order; <see cref="Download"/>, <see cref="SumOfSquares"/> and
/// <see cref="Synchronize"/> wait for it.
/// </summary>
public sealed class IlgpuBackend : IBackend
{
    /// <summary>Warp size and warps per group of the simulated CPU device: the GPU's 32 × 8 = 256 threads.</summary>
    private const int SimulatorWarpSize = 32;
    private const int SimulatorWarpsPerGroup = 8;

    /// <summary>Aim for at least this many terms per thread in one reduction slice before adding slices.</summary>
    private const int TermsPerThread = 4;

    /// <summary>Upper bound on slices per segment, so stage 2's serial loop stays short.</summary>
    private const int MaxSlices = 1024;

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly IlgpuKernelSet _kernels;
    private MemoryBuffer1D<float, Stride1D.Dense>? _scratch;
    private MemoryBuffer1D<double, Stride1D.Dense>? _scratchDouble;
    private double[] _hostPartials = [];
    private bool _disposed;

    private IlgpuBackend(string name, Context context, Accelerator accelerator, int groupSize)
    {
        Name = name;
        GroupSize = groupSize;
        _context = context;
        _accelerator = accelerator;
        _stream = accelerator.DefaultStream;
        _kernels = new IlgpuKernelSet(accelerator);
        // The CPU simulator reports its memory as unlimited, so only a GPU's size is worth printing.
        string memory = accelerator.AcceleratorType == AcceleratorType.Cuda
            ? $", {accelerator.MemorySize / (1024.0 * 1024 * 1024):F1} GiB" : "";
        Description = $"{accelerator.Name} ({accelerator.AcceleratorType}), multiprocessors: {accelerator.NumMultiprocessors}, " +
            $"warp {accelerator.WarpSize}, up to {accelerator.MaxNumThreadsPerGroup} threads per group, " +
            $"{groupSize} threads per explicit group{memory}";
    }

    /// <summary>"cuda" or "ilgpu-cpu".</summary>
    public string Name { get; }

    public string Description { get; }

    /// <summary>
    /// Threads per group of the explicitly grouped kernels (reductions, convolution V2): 256 on a GPU, 32 on the
    /// simulator unless a test asks for more. A power of two from 32 to <see cref="KernelConstants.MaxGroupSize"/>.
    /// </summary>
    public int GroupSize
    {
        get;
        set
        {
            if (value < 32 || value > KernelConstants.MaxGroupSize || (value & (value - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"a power of two from 32 to {KernelConstants.MaxGroupSize}");
            field = value;
        }
    }

    /// <summary>True when an NVIDIA driver and at least one CUDA device are present. Never throws.</summary>
    public static bool IsCudaAvailable()
    {
        CudaDriverResolver.Install();
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            return context.GetCudaDevices().Count > 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // No driver library, a driver too old for ILGPU, or a broken install: all mean "no usable GPU".
            return false;
        }
    }

    /// <summary>The first CUDA device. Throws <see cref="DeviceUnavailableException"/> when there is none.</summary>
    public static IlgpuBackend CreateCuda()
    {
        if (!IsCudaAvailable())
            throw new DeviceUnavailableException("cuda: no NVIDIA GPU with a working driver (libcuda) was found on this machine.");
        var context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
        try
        {
            return new IlgpuBackend("cuda", context, context.CreateCudaAccelerator(0), KernelConstants.MaxGroupSize);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// ILGPU's CPU simulator shaped like a GPU: warps of 32 and groups of up to 256 threads, on one simulated
    /// multiprocessor (groups run one after another; more multiprocessors only add OS threads contending for the
    /// same cores, measured 2–3× slower on 2 cores). Explicitly grouped kernels launch one warp per group unless
    /// <see cref="GroupSize"/> is raised.
    /// </summary>
    public static IlgpuBackend CreateCpuSimulator()
    {
        var device = new CPUDevice(SimulatorWarpSize, SimulatorWarpsPerGroup, numMultiprocessors: 1);
        var context = Context.Create(builder => builder.CPU(device).EnableAlgorithms());
        try
        {
            return new IlgpuBackend("ilgpu-cpu", context, context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel), SimulatorWarpSize);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    // ---- Memory ----

    public Tensor Allocate(TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new IlgpuTensor(this, shape, _accelerator.Allocate1D<float>(shape.Length));
    }

    public void Upload(ReadOnlySpan<float> source, Tensor destination)
    {
        Transfer(nameof(Upload), destination, source.Length);
        var view = Own(nameof(Upload), destination).Buffer.View;
        // ILGPU's span overloads pin the host memory and wait for the copy. The `ref T` overloads used before take the
        // address unpinned, so a managed array the GC moved mid-copy was read at its old address: the likely cause of
        // the rare all-zero results the simulator's tests showed under heavy load.
        view.CopyFromCPU(_stream, source);
    }

    public void Download(Tensor source, Span<float> destination)
    {
        Transfer(nameof(Download), source, destination.Length);
        var view = Own(nameof(Download), source).Buffer.View;
        view.CopyToCPU(_stream, destination); // pinned and waited for, as in Upload
    }

    public void Fill(Tensor destination, float value)
    {
        SameBackend(nameof(Fill), destination);
        _kernels.Fill(_stream, destination.Length, Own(nameof(Fill), destination).View, value);
    }

    public void Copy(Tensor source, Tensor destination)
    {
        const string op = nameof(Copy);
        OperationContracts.Copy(op, source, destination);
        _kernels.Copy(_stream, source.Length, Own(op, source).View, Own(op, destination).View);
    }

    public void Synchronize() => _stream.Synchronize();

    // ---- Convolution ----

    public void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output)
    {
        const string op = nameof(ConvolutionForward);
        var g = Geometry(Convolution(op, input, weights, dilation, output));
        Forward(Own(op, input).View, Own(op, weights).View, Own(op, output).View, g);
    }

    /// <summary>
    /// Queues the forward kernel for a geometry: register-blocked V3 for 3×3 up to dilation 4, the channel GEMM V2
    /// for 1×1, the one-thread-per-output V1 for anything else. Also runs the backward-data pass on flipped weights.
    /// </summary>
    private void Forward(ArrayView<float> x, ArrayView<float> w, ArrayView<float> y, ConvolutionGeometry g)
    {
        if (g.Kernel == 3 && g.Dilation <= ConvolutionForwardV3Kernels.MaxDilation)
            _kernels.ConvolutionForwardV3(_stream, Groups(ConvolutionForwardV3Kernels.Groups(g, GroupSize)), x, w, y, g);
        else if (g.Kernel == 1)
            _kernels.Convolution1x1V2(_stream, Groups(Convolution1x1V2Kernels.Groups(g, GroupSize)), x, w, y, g);
        else
            _kernels.ConvolutionForwardV1(_stream, g.Batch * g.OutChannels * g.Plane, x, w, y, g);
    }

    /// <summary>
    /// 3×3 convolutions run as one fused kernel (8×32 shared-memory tiles with the batch norms, ReLUs and residual add applied
    /// while staging the input and before the store); 1×1 and anything else run the composition of separate kernels.
    /// </summary>
    public void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation,
        InferenceBatchNorm? after, Tensor? residual, Tensor output)
    {
        const string op = nameof(ConvolutionInferenceForward);
        var (s, skipChannels, skipOffset) = ConvolutionInference(op, input, before, weights, dilation, after, residual, output);
        var g = Geometry(s);
        if (g.Kernel != 3 || g.Dilation > ConvolutionInferenceKernels.MaxDilation)
        {
            ConvolutionInferenceComposition.Run(this, input, before, weights, dilation, after, residual, output);
            return;
        }
        var constants = Scratch(3L * (s.InChannels + s.OutChannels));
        var inputConstants = constants.SubView(0, 3 * s.InChannels);
        var outputConstants = constants.SubView(3 * s.InChannels, 3 * s.OutChannels);
        if (before is not null) Fold(op, before, inputConstants, s.InChannels);
        if (after is not null) Fold(op, after, outputConstants, s.OutChannels);
        var stages = new FusedStages(before is not null, before?.Relu == true, after is not null, after?.Relu == true, skipChannels, skipOffset);
        var outputView = Own(op, output).View;
        // Without a residual the kernel never reads that argument; any valid view will do.
        var residualView = residual is null ? outputView : Own(op, residual).View;
        _kernels.ConvolutionInferenceForwardV2(_stream, Groups(ConvolutionInferenceKernels.Groups(g, GroupSize)), Own(op, input).View,
            Own(op, weights).View, outputView, g, inputConstants, outputConstants, residualView, stages);
    }

    private void Fold(string op, InferenceBatchNorm norm, ArrayView<float> constants, int channels) =>
        _kernels.FoldBatchNorm(_stream, channels, Own(op, norm.Gamma).View, Own(op, norm.Beta).View, Own(op, norm.RunningMean).View,
            Own(op, norm.RunningVariance).View, norm.Epsilon, constants, channels);

    /// <summary>
    /// The transposed convolution as a forward one: gradOutput convolved with the flipped, channel-transposed weights
    /// (<see cref="ConvolutionBackwardDataTransposedKernels"/>) by the forward kernel of that geometry.
    /// </summary>
    public void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput)
    {
        const string op = nameof(ConvolutionBackwardData);
        var g = Geometry(Convolution(op, gradInput, weights, dilation, gradOutput));
        bool viaForward = g.Kernel == 1 || (g.Kernel == 3 && g.Dilation <= ConvolutionForwardV3Kernels.MaxDilation);
        if (!viaForward)
        {
            _kernels.ConvolutionBackwardData(_stream, gradInput.Length, Own(op, gradOutput).View, Own(op, weights).View, Own(op, gradInput).View, g);
            return;
        }
        var flipped = Scratch(weights.Length);
        _kernels.FlipTransposeWeights(_stream, weights.Length, Own(op, weights).View, flipped, g);
        Forward(Own(op, gradOutput).View, flipped, Own(op, gradInput).View, ConvolutionBackwardDataTransposedKernels.TransposedGeometry(g));
    }

    /// <summary>
    /// Stage 1 writes per-slice partials, stage 2 adds them in slice order: the implicit-GEMM V2 for 3×3 up to
    /// dilation 4, one tree per (o, i) pair (V1) otherwise.
    /// </summary>
    public void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights)
    {
        const string op = nameof(ConvolutionBackwardWeights);
        var g = Geometry(Convolution(op, input, gradWeights, dilation, gradOutput));
        int taps = g.Kernel * g.Kernel;
        if (g.Kernel == 3 && g.Dilation <= ConvolutionBackwardWeightsV2Kernels.MaxDilation)
        {
            var blocked = ConvolutionBackwardWeightsV2Kernels.Layout(g);
            var blockedPartials = Scratch((long)blocked.Groups * taps);
            _kernels.BackwardWeightsV2Partials(_stream, Groups(ConvolutionBackwardWeightsV2Kernels.Groups(g, GroupSize)),
                Own(op, input).View, Own(op, gradOutput).View, blockedPartials, g, blocked);
            _kernels.SumPartials(_stream, gradWeights.Length, blockedPartials, Own(op, gradWeights).View, blocked, taps);
            return;
        }
        var layout = Layout(g.OutChannels * g.InChannels, g.Batch * g.Plane);
        var partials = Scratch(layout.Groups * taps);
        _kernels.ConvolutionBackwardWeightsPartials(_stream, Groups(layout.Groups), Own(op, input).View, Own(op, gradOutput).View, partials, g, layout);
        _kernels.SumPartials(_stream, gradWeights.Length, partials, Own(op, gradWeights).View, layout, taps);
    }

    // ---- Batch norm ----

    public void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd)
    {
        const string op = nameof(BatchNormTrainingForward);
        var g = Geometry(BatchNorm(op, input, output, gamma, beta, runningMean, runningVariance, savedMean, savedInverseStd));
        var layout = Layout(g.Channels, g.Batch * g.Plane);
        var partials = Scratch(layout.Groups);
        var x = Own(op, input).View;
        var mean = Own(op, savedMean).View;
        var inverseStd = Own(op, savedInverseStd).View;
        _kernels.ChannelSumPartials(_stream, Groups(layout.Groups), x, partials, g, layout);
        _kernels.FinishMean(_stream, g.Channels, partials, mean, layout);
        _kernels.CenteredSquarePartials(_stream, Groups(layout.Groups), x, mean, partials, g, layout);
        _kernels.FinishVariance(_stream, g.Channels, partials, mean, inverseStd, Own(op, runningMean).View, Own(op, runningVariance).View,
            settings.Momentum, settings.Epsilon, layout);
        _kernels.Normalize(_stream, input.Length, x, Own(op, gamma).View, Own(op, beta).View, mean, inverseStd, Own(op, output).View, g);
    }

    public void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor output)
    {
        const string op = nameof(BatchNormInferenceForward);
        var g = Geometry(BatchNorm(op, input, output, gamma, beta, runningMean, runningVariance));
        var inverseStd = Scratch(g.Channels);
        _kernels.InverseStdFromVariance(_stream, g.Channels, Own(op, runningVariance).View, inverseStd, epsilon);
        _kernels.Normalize(_stream, input.Length, Own(op, input).View, Own(op, gamma).View, Own(op, beta).View,
            Own(op, runningMean).View, inverseStd, Own(op, output).View, g);
    }

    /// <summary>
    /// The training backward's reductions around the running mean with istd from the running variance (so γ and β get
    /// the same sums, in the same order), then dx = γ·istd·dy.
    /// </summary>
    public void BatchNormInferenceBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        const string op = nameof(BatchNormInferenceBackward);
        var g = Geometry(OperationContracts.BatchNormInferenceBackward(op, input, gradOutput, gamma, runningMean, runningVariance,
            gradInput, gradGamma, gradBeta));
        var layout = Layout(g.Channels, g.Batch * g.Plane);
        var scratch = Scratch(2 * layout.Groups + g.Channels);
        var partialsGrad = scratch.SubView(0, layout.Groups);
        var partialsGradNormalized = scratch.SubView(layout.Groups, layout.Groups);
        var inverseStd = scratch.SubView(2 * layout.Groups, g.Channels);
        var dy = Own(op, gradOutput).View;
        _kernels.InverseStdFromVariance(_stream, g.Channels, Own(op, runningVariance).View, inverseStd, epsilon);
        _kernels.BatchNormBackwardPartials(_stream, Groups(layout.Groups), Own(op, input).View, dy, Own(op, runningMean).View,
            inverseStd, partialsGrad, partialsGradNormalized, g, layout);
        _kernels.BatchNormFinishBackward(_stream, g.Channels, partialsGrad, partialsGradNormalized, Own(op, gradGamma).View,
            Own(op, gradBeta).View, layout);
        _kernels.BatchNormInferenceBackwardData(_stream, input.Length, dy, Own(op, gamma).View, inverseStd, Own(op, gradInput).View, g);
    }

    public void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd,
        Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        const string op = nameof(BatchNormBackward);
        var g = Geometry(OperationContracts.BatchNormBackward(op, input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta));
        var layout = Layout(g.Channels, g.Batch * g.Plane);
        var scratch = Scratch(2 * layout.Groups);
        var partialsGrad = scratch.SubView(0, layout.Groups);
        var partialsGradNormalized = scratch.SubView(layout.Groups, layout.Groups);
        var x = Own(op, input).View;
        var dy = Own(op, gradOutput).View;
        var mean = Own(op, savedMean).View;
        var inverseStd = Own(op, savedInverseStd).View;
        var dGamma = Own(op, gradGamma).View;
        var dBeta = Own(op, gradBeta).View;
        _kernels.BatchNormBackwardPartials(_stream, Groups(layout.Groups), x, dy, mean, inverseStd, partialsGrad, partialsGradNormalized, g, layout);
        _kernels.BatchNormFinishBackward(_stream, g.Channels, partialsGrad, partialsGradNormalized, dGamma, dBeta, layout);
        _kernels.BatchNormBackwardData(_stream, input.Length, x, dy, Own(op, gamma).View, mean, inverseStd, dGamma, dBeta,
            Own(op, gradInput).View, g);
    }

    // ---- ReLU and residual ----

    public void ReluForward(Tensor input, Tensor output)
    {
        const string op = nameof(ReluForward);
        Elementwise(op, input, output);
        _kernels.ReluForward(_stream, input.Length, Own(op, input).View, Own(op, output).View);
    }

    public void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput)
    {
        const string op = nameof(ReluBackward);
        OperationContracts.ReluBackward(op, output, gradOutput, gradInput);
        _kernels.ReluBackward(_stream, output.Length, Own(op, output).View, Own(op, gradOutput).View, Own(op, gradInput).View);
    }

    public void ResidualAddForward(Tensor input, Tensor skip, Tensor output)
    {
        const string op = nameof(ResidualAddForward);
        var (s, skipChannels, offset) = OperationContracts.ResidualAddForward(op, input, skip, output);
        _kernels.ResidualAddForward(_stream, output.Length, Own(op, input).View, Own(op, skip).View, Own(op, output).View,
            Geometry(s), skipChannels, offset);
    }

    public void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip)
    {
        const string op = nameof(ResidualAddBackwardSkip);
        var (s, skipChannels, offset) = Residual(op, gradOutput, gradSkip);
        _kernels.ResidualAddBackwardSkip(_stream, gradSkip.Length, Own(op, gradOutput).View, Own(op, gradSkip).View,
            Geometry(s), skipChannels, offset);
    }

    // ---- Softmax and Dice-NS ----

    public void SoftmaxForward(Tensor logits, Tensor probabilities)
    {
        const string op = nameof(SoftmaxForward);
        var g = Geometry(Elementwise(op, logits, probabilities));
        _kernels.SoftmaxForward(_stream, g.Batch * g.Plane, Own(op, logits).View, Own(op, probabilities).View, g);
    }

    public void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses, Tensor? pixelWeights = null)
    {
        const string op = nameof(DiceNsLossForward);
        var g = Geometry(OperationContracts.DiceNsLossForward(op, probabilities, labels, epsilon, sliceLosses, pixelWeights));
        var layout = Layout(g.Batch * g.Channels, g.Plane);
        var partials = Scratch(3 * layout.Groups);
        var labelView = Own(op, labels).View;
        var (weights, weighted) = OptionalView(op, pixelWeights, labelView);
        _kernels.DiceSumPartials(_stream, Groups(layout.Groups), Own(op, probabilities).View, labelView, weights, weighted, partials, g, layout);
        _kernels.DiceSliceLoss(_stream, g.Batch, partials, Own(op, sliceLosses).View, g.Channels, epsilon, layout);
    }

    public void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits, Tensor? pixelWeights = null)
    {
        const string op = nameof(DiceNsLossBackward);
        var g = Geometry(OperationContracts.DiceNsLossBackward(op, probabilities, labels, epsilon, gradLogits, pixelWeights));
        var layout = Layout(g.Batch * g.Channels, g.Plane);
        int fractions = layout.Segments;
        var scratch = Scratch(3 * layout.Groups + 2 * fractions);
        var partials = scratch.SubView(0, 3 * layout.Groups);
        var numerators = scratch.SubView(3 * layout.Groups, fractions);
        var denominators = scratch.SubView(3 * layout.Groups + fractions, fractions);
        var p = Own(op, probabilities).View;
        var labelView = Own(op, labels).View;
        var (weights, weighted) = OptionalView(op, pixelWeights, labelView);
        _kernels.DiceSumPartials(_stream, Groups(layout.Groups), p, labelView, weights, weighted, partials, g, layout);
        _kernels.DiceFractions(_stream, fractions, partials, numerators, denominators, epsilon, layout);
        _kernels.DiceGradientLogits(_stream, g.Batch * g.Plane, p, labelView, weights, weighted, numerators, denominators,
            Own(op, gradLogits).View, g);
    }

    public void CrossEntropyLossForward(Tensor probabilities, Tensor labels, Tensor sliceLosses)
    {
        const string op = nameof(CrossEntropyLossForward);
        var g = Geometry(OperationContracts.CrossEntropyLossForward(op, probabilities, labels, sliceLosses));
        var layout = Layout(g.Batch, g.Plane);
        var partials = Scratch(layout.Groups);
        _kernels.CrossEntropySumPartials(_stream, Groups(layout.Groups), Own(op, probabilities).View, Own(op, labels).View, partials, g, layout);
        _kernels.CrossEntropySliceLoss(_stream, g.Batch, partials, Own(op, sliceLosses).View, g.Plane, layout);
    }

    public void CrossEntropyLossBackwardAdd(Tensor probabilities, Tensor labels, float scale, Tensor gradLogits)
    {
        const string op = nameof(CrossEntropyLossBackwardAdd);
        var g = Geometry(OperationContracts.CrossEntropyLossBackwardAdd(op, probabilities, labels, scale, gradLogits));
        _kernels.CrossEntropyGradientAdd(_stream, g.Batch * g.Plane, Own(op, probabilities).View, Own(op, labels).View,
            Own(op, gradLogits).View, scale, g);
    }

    /// <summary>
    /// An optional operand for a kernel: its view and 1, or <paramref name="placeholder"/> (any valid view, never read)
    /// and 0, since a kernel parameter cannot be a missing view.
    /// </summary>
    private (ArrayView<float> View, int Present) OptionalView(string operation, Tensor? tensor, ArrayView<float> placeholder) =>
        tensor is null ? (placeholder, 0) : (Own(operation, tensor).View, 1);

    // ---- Regularisation and Adam ----

    public double SumOfSquares(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Span<double> sum = stackalloc double[1];
        SumsOfSquares([tensor], sum);
        return sum[0];
    }

    /// <summary>
    /// Stage 1 of every tensor into one scratch buffer, each at its own offset, then one copy to the host and one
    /// wait; stage 2 on the host, per tensor in slice order, in float64 (the same adds as a single call).
    /// </summary>
    public void SumsOfSquares(IReadOnlyList<Tensor> tensors, Span<double> sums)
    {
        const string op = nameof(SumsOfSquares);
        OperationContracts.SumsOfSquares(op, tensors, sums.Length);
        if (tensors.Count == 0) return;
        long total = 0;
        foreach (var tensor in tensors)
        {
            SameBackend(op, tensor);
            total += Layout(1, tensor.Length).Groups;
        }
        var partials = ScratchDouble(total);
        long offset = 0;
        foreach (var tensor in tensors)
        {
            var layout = Layout(1, tensor.Length);
            _kernels.SumOfSquaresPartials(_stream, Groups(layout.Groups), Own(op, tensor).View, partials.SubView(offset, layout.Groups), layout);
            offset += layout.Groups;
        }
        if (_hostPartials.Length < total) _hostPartials = new double[total];
        partials.CopyToCPU(_stream, _hostPartials.AsSpan(0, (int)total)); // pinned and waited for, as in Upload
        offset = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            int groups = Layout(1, tensors[i].Length).Groups;
            double sum = 0;
            for (int k = 0; k < groups; k++) sum += _hostPartials[offset + k];
            sums[i] = sum;
            offset += groups;
        }
    }

    public void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment,
        AdamSettings settings, int step, float l2Coefficient)
    {
        const string op = nameof(AdamStep);
        Adam(op, parameter, gradient, firstMoment, secondMoment, step);
        var constants = new AdamConstants(settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon,
            (float)(1 - Math.Pow(settings.Beta1, step)), (float)(1 - Math.Pow(settings.Beta2, step)), l2Coefficient);
        _kernels.AdamStep(_stream, parameter.Length, Own(op, parameter).View, Own(op, gradient).View,
            Own(op, firstMoment).View, Own(op, secondMoment).View, constants);
    }

    // ---- Resize ----

    public void ResizeBilinearForward(Tensor input, Tensor output)
    {
        const string op = nameof(ResizeBilinearForward);
        var s = Resize(op, input, output);
        var g = new ResizeGeometry(s.Batch * s.Channels, s.Height, s.Width, output.Shape.H, output.Shape.W);
        _kernels.ResizeForward(_stream, output.Length, Own(op, input).View, Own(op, output).View, g);
    }

    public void ResizeBilinearBackward(Tensor gradOutput, Tensor gradInput)
    {
        const string op = nameof(ResizeBilinearBackward);
        var s = Resize(op, gradInput, gradOutput);
        var g = new ResizeGeometry(s.Batch * s.Channels, s.Height, s.Width, gradOutput.Shape.H, gradOutput.Shape.W);
        int rowsLength = g.Planes * g.OutHeight * g.InWidth;
        var rows = Scratch(rowsLength);
        _kernels.ResizeBackwardColumns(_stream, rowsLength, Own(op, gradOutput).View, rows, g);
        _kernels.ResizeBackwardRows(_stream, gradInput.Length, rows, Own(op, gradInput).View, g);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Synchronize();
        _scratch?.Dispose();
        _scratchDouble?.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    // ---- For the kernel experiments of kernels/dev (InternalsVisibleTo): their launches queue on this stream. ----

    internal Accelerator Accelerator => _accelerator;

    internal AcceleratorStream Stream => _stream;

    /// <summary>The product's loaded kernels, for the kernel lab's decorator (each kernel is loaded once per accelerator).</summary>
    internal IlgpuKernelSet Kernels => _kernels;

    /// <summary>The device view of a tensor this backend owns (checked as every operation checks it).</summary>
    internal ArrayView<float> ViewOf(string operation, Tensor tensor) => Own(operation, tensor).View;

    // ---- Helpers ----

    /// <summary>
    /// Splits each segment's count terms into slices of at least MaxGroupSize·TermsPerThread terms (at most
    /// MaxSlices). A function of the count alone, so a given shape always reduces in the same order.
    /// </summary>
    internal static int SlicesFor(int count)
    {
        const int termsPerSlice = KernelConstants.MaxGroupSize * TermsPerThread;
        return Math.Clamp((count + termsPerSlice - 1) / termsPerSlice, 1, MaxSlices);
    }

    private static ReductionLayout Layout(int segments, int count) => new(segments, count, SlicesFor(count));

    private KernelConfig Groups(int groups) => new(groups, GroupSize);

    private static ConvolutionGeometry Geometry(ConvolutionSizes s) =>
        new(s.Batch, s.InChannels, s.OutChannels, s.Height, s.Width, s.Kernel, s.Dilation);

    private static NchwGeometry Geometry(NchwSizes s) => new(s.Batch, s.Channels, s.Height, s.Width);

    /// <summary>
    /// A float scratch view of the given length, valid until the next call that asks for scratch. Work is queued
    /// on one stream in order, so one buffer serves every call; growing it waits for queued users of the old one.
    /// </summary>
    internal ArrayView<float> Scratch(long length)
    {
        if (_scratch is null || _scratch.Length < length)
        {
            _stream.Synchronize();
            long capacity = Math.Max(length, 2 * (_scratch?.Length ?? 0));
            _scratch?.Dispose();
            _scratch = _accelerator.Allocate1D<float>(capacity);
        }
        return _scratch.View.AsContiguous().SubView(0, length);
    }

    private ArrayView<double> ScratchDouble(long length)
    {
        if (_scratchDouble is null || _scratchDouble.Length < length)
        {
            _stream.Synchronize();
            long capacity = Math.Max(length, 2 * (_scratchDouble?.Length ?? 0));
            _scratchDouble?.Dispose();
            _scratchDouble = _accelerator.Allocate1D<double>(capacity);
        }
        return _scratchDouble.View.AsContiguous().SubView(0, length);
    }

    /// <summary>The ILGPU tensor behind a tensor, after checking that this backend owns it.</summary>
    private IlgpuTensor Own(string operation, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tensor is not IlgpuTensor owned || !ReferenceEquals(tensor.Backend, this))
            throw new ShapeException(operation, $"{tensor} does not belong to this {Name} backend.");
        if (tensor.IsDisposed)
            throw new ObjectDisposedException(tensor.ToString(), $"{operation}: the tensor was disposed.");
        return owned;
    }
}
