using System.Runtime.Intrinsics;
using NativeSeg.Engine.Cpu.Winograd;
using NativeSeg.Engine.Tensors;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// The "cpu" backend: float32 tensors in pinned managed arrays, 512-bit SIMD kernels (<see cref="Vector512{T}"/>,
/// which .NET runs as AVX-512 where the processor has it and as pairs of 256-bit operations otherwise), and
/// multi-threading over work items that depend on the shape only, so results are identical for any thread count.
/// Every operation runs the shared <see cref="OperationContracts"/> check first. Calls are synchronous. One instance
/// may be used from several threads, but not on the same tensors at once.
/// </summary>
public sealed unsafe class CpuBackend : IBackend
{
    private readonly CpuWorkers _workers;
    private readonly CpuScratchPool _scratch = new();
    private readonly WinogradWeightCache _winogradWeights = new();

    /// <param name="threads">Worker threads for the parallel loops; null means <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="convolution">How inference runs 3×3 convolutions; null means <see cref="CpuConvolutionAlgorithms.FromEnvironment"/>.</param>
    public CpuBackend(int? threads = null, CpuConvolutionAlgorithm? convolution = null)
    {
        int count = threads ?? Environment.ProcessorCount;
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "A CPU backend needs at least one thread.");
        _workers = new CpuWorkers(count);
        Convolution = convolution ?? CpuConvolutionAlgorithms.FromEnvironment();
    }

    /// <summary>How <see cref="ConvolutionInferenceForward"/> computes 3×3 convolutions.</summary>
    public CpuConvolutionAlgorithm Convolution { get; }

    public string Name => "cpu";

    /// <summary>Worker threads used by the parallel loops.</summary>
    public int Threads => _workers.Threads;

    public string Description =>
        $"{ProcessorName()}, {Threads} thread{(Threads == 1 ? "" : "s")}, float32 " +
        (Vector512.IsHardwareAccelerated ? "AVX-512 (Vector512, 16 lanes)" : "Vector512 emulated (no AVX-512: slower)") +
        $", inference 3×3 convolutions: {Convolution.ToString().ToLowerInvariant()}";

    public Tensor Allocate(TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new CpuTensor(this, shape);
    }

    public void Upload(ReadOnlySpan<float> source, Tensor destination)
    {
        Transfer(nameof(Upload), destination, source.Length);
        source.CopyTo(Overwritten(nameof(Upload), destination).Span);
    }

    public void Download(Tensor source, Span<float> destination)
    {
        Transfer(nameof(Download), source, destination.Length);
        Own(nameof(Download), source).Span.CopyTo(destination);
    }

    public void Fill(Tensor destination, float value)
    {
        SameBackend(nameof(Fill), destination);
        Overwritten(nameof(Fill), destination).Span.Fill(value);
    }

    public void Copy(Tensor source, Tensor destination)
    {
        OperationContracts.Copy(nameof(Copy), source, destination);
        Own(nameof(Copy), source).Span.CopyTo(Overwritten(nameof(Copy), destination).Span);
    }

    /// <summary>Every call finishes before it returns.</summary>
    public void Synchronize()
    {
    }

    public void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output)
    {
        const string op = nameof(ConvolutionForward);
        var s = Convolution(op, input, weights, dilation, output);
        CpuConvolution.Forward(_workers, _scratch, s, Ptr(op, input), Ptr(op, weights), Ptr(op, output));
    }

    public void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput)
    {
        const string op = nameof(ConvolutionBackwardData);
        var s = Convolution(op, gradInput, weights, dilation, gradOutput);
        CpuConvolution.BackwardData(_workers, _scratch, s, Ptr(op, gradOutput), Ptr(op, weights), Ptr(op, gradInput));
    }

    public void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights)
    {
        const string op = nameof(ConvolutionBackwardWeights);
        var s = Convolution(op, input, gradWeights, dilation, gradOutput);
        CpuConvolution.BackwardWeights(_workers, _scratch, s, Ptr(op, input), Ptr(op, gradOutput), Ptr(op, gradWeights));
    }

    /// <summary>
    /// One pass instead of up to five: the input batch norm (+ ReLU) runs inside the padding copy, the output batch
    /// norm (+ ReLU) and the residual add on each output row while it is in L1. On the direct path bit-for-bit the
    /// separate operations; 3×3 layers chosen by <see cref="Convolution"/> run by Winograd F(4×4, 3×3) with the same
    /// fused stages (<see cref="WinogradConvolution"/>) and leave their output channels-last (<see cref="CpuLayout"/>);
    /// a 1×1 convolution of such an input runs as one GEMM (<see cref="PointwiseConvolution"/>).
    /// </summary>
    public void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation,
        InferenceBatchNorm? after, Tensor? residual, Tensor output)
    {
        const string op = nameof(ConvolutionInferenceForward);
        var (s, residualChannels, residualOffset) = ConvolutionInference(op, input, before, weights, dilation, after, residual, output);
        using var constants = _scratch.Rent(ChannelNormalization.StorageFor(s.InChannels) + ChannelNormalization.StorageFor(s.OutChannels));
        ChannelNormalization? beforeStage = before is null ? null : Normalization(op, before, s.InChannels, constants.Pointer);
        ChannelNormalization? afterStage = after is null ? null
            : Normalization(op, after, s.OutChannels, constants.Pointer + ChannelNormalization.StorageFor(s.InChannels));
        if (CpuConvolutionAlgorithms.UsesWinograd(Convolution, s.Kernel, s.InChannels, s.OutChannels))
        {
            float* transformed = _winogradWeights.Get(weights, Ptr(op, weights), s.OutChannels, s.InChannels);
            // The output stays channels-last where it can, so that a following Winograd layer skips both transposes;
            // the residual is read in the output's layout (converted once here if it is not).
            var layout = ChannelsLastConversion.Supports(output.Shape) && (residual is null || ChannelsLastConversion.Supports(residual.Shape))
                ? CpuLayout.ChannelsLast : CpuLayout.Planar;
            float* skip = residual is null ? null : InLayout(op, residual, layout);
            var source = OwnAsIs(op, input);
            WinogradConvolution.Forward(_workers, s, source.Pointer, source.Layout == CpuLayout.ChannelsLast, beforeStage, transformed,
                afterStage, skip, residualChannels, residualOffset, Overwritten(op, output, layout).Pointer, layout == CpuLayout.ChannelsLast);
            return;
        }
        var held = OwnAsIs(op, input);
        if (PointwiseConvolution.Applies(s, held.Layout == CpuLayout.ChannelsLast, before is not null, residual is not null))
        {
            float* packed = _winogradWeights.Get(weights, Ptr(op, weights), s.OutChannels, s.InChannels, kernel: 1);
            var layout = ChannelsLastConversion.Supports(output.Shape) ? CpuLayout.ChannelsLast : CpuLayout.Planar;
            PointwiseConvolution.Forward(_workers, _scratch, s, held.Pointer, packed, afterStage, Overwritten(op, output, layout).Pointer,
                layout == CpuLayout.ChannelsLast);
            return;
        }
        var epilogue = new OutputEpilogue(afterStage, residual is null ? null : Ptr(op, residual), residualChannels, residualOffset);
        CpuConvolution.FusedForward(_workers, _scratch, s, Ptr(op, input), beforeStage, Ptr(op, weights), epilogue,
            Overwritten(op, output).Pointer);
    }

    private ChannelNormalization Normalization(string op, InferenceBatchNorm norm, int channels, float* storage) =>
        ChannelNormalization.Create(storage, channels, Ptr(op, norm.Gamma), Ptr(op, norm.Beta), Ptr(op, norm.RunningMean),
            Ptr(op, norm.RunningVariance), norm.Epsilon, norm.Relu);

    public void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd)
    {
        const string op = nameof(BatchNormTrainingForward);
        var s = BatchNorm(op, input, output, gamma, beta, runningMean, runningVariance, savedMean, savedInverseStd);
        CpuBatchNorm.TrainingForward(_workers, s, Ptr(op, input), Ptr(op, gamma), Ptr(op, beta), Ptr(op, runningMean),
            Ptr(op, runningVariance), settings.Momentum, settings.Epsilon, Ptr(op, output), Ptr(op, savedMean), Ptr(op, savedInverseStd));
    }

    public void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor output)
    {
        const string op = nameof(BatchNormInferenceForward);
        var s = BatchNorm(op, input, output, gamma, beta, runningMean, runningVariance);
        CpuBatchNorm.InferenceForward(_workers, s, Ptr(op, input), Ptr(op, gamma), Ptr(op, beta), Ptr(op, runningMean),
            Ptr(op, runningVariance), epsilon, Ptr(op, output));
    }

    public void BatchNormInferenceBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        const string op = nameof(BatchNormInferenceBackward);
        var s = OperationContracts.BatchNormInferenceBackward(op, input, gradOutput, gamma, runningMean, runningVariance, gradInput, gradGamma, gradBeta);
        CpuBatchNorm.InferenceBackward(_workers, s, Ptr(op, input), Ptr(op, gradOutput), Ptr(op, gamma), Ptr(op, runningMean),
            Ptr(op, runningVariance), epsilon, Ptr(op, gradInput), Ptr(op, gradGamma), Ptr(op, gradBeta));
    }

    public void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd,
        Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        const string op = nameof(BatchNormBackward);
        var s = OperationContracts.BatchNormBackward(op, input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta);
        CpuBatchNorm.Backward(_workers, s, Ptr(op, input), Ptr(op, gradOutput), Ptr(op, gamma), Ptr(op, savedMean),
            Ptr(op, savedInverseStd), Ptr(op, gradInput), Ptr(op, gradGamma), Ptr(op, gradBeta));
    }

    public void ReluForward(Tensor input, Tensor output)
    {
        const string op = nameof(ReluForward);
        Elementwise(op, input, output);
        CpuElementwise.ReluForward(_workers, input.Length, Ptr(op, input), Ptr(op, output));
    }

    public void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput)
    {
        const string op = nameof(ReluBackward);
        OperationContracts.ReluBackward(op, output, gradOutput, gradInput);
        CpuElementwise.ReluBackward(_workers, output.Length, Ptr(op, output), Ptr(op, gradOutput), Ptr(op, gradInput));
    }

    public void ResidualAddForward(Tensor input, Tensor skip, Tensor output)
    {
        const string op = nameof(ResidualAddForward);
        var (s, skipChannels, offset) = OperationContracts.ResidualAddForward(op, input, skip, output);
        CpuElementwise.ResidualAddForward(_workers, s, skipChannels, offset, Ptr(op, input), Ptr(op, skip), Ptr(op, output));
    }

    public void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip)
    {
        const string op = nameof(ResidualAddBackwardSkip);
        var (s, skipChannels, offset) = Residual(op, gradOutput, gradSkip);
        CpuElementwise.ResidualAddBackwardSkip(_workers, s, skipChannels, offset, Ptr(op, gradOutput), Ptr(op, gradSkip));
    }

    public void SoftmaxForward(Tensor logits, Tensor probabilities)
    {
        const string op = nameof(SoftmaxForward);
        var s = Elementwise(op, logits, probabilities);
        CpuSoftmaxDice.SoftmaxForward(_workers, s, Ptr(op, logits), Ptr(op, probabilities));
    }

    public void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses)
    {
        const string op = nameof(DiceNsLossForward);
        var s = OperationContracts.DiceNsLossForward(op, probabilities, labels, epsilon, sliceLosses);
        CpuSoftmaxDice.DiceNsLossForward(_workers, s, Ptr(op, probabilities), Ptr(op, labels), epsilon, Ptr(op, sliceLosses));
    }

    public void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits)
    {
        const string op = nameof(DiceNsLossBackward);
        var s = OperationContracts.DiceNsLossBackward(op, probabilities, labels, epsilon, gradLogits);
        CpuSoftmaxDice.DiceNsLossBackward(_workers, s, Ptr(op, probabilities), Ptr(op, labels), epsilon, Ptr(op, gradLogits));
    }

    public double SumOfSquares(Tensor tensor)
    {
        const string op = nameof(SumOfSquares);
        SameBackend(op, tensor);
        return CpuOptimizer.SumOfSquares(_workers, Ptr(op, tensor), tensor.Length);
    }

    public void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment,
        AdamSettings settings, int step, float l2Coefficient)
    {
        const string op = nameof(AdamStep);
        Adam(op, parameter, gradient, firstMoment, secondMoment, step);
        CpuOptimizer.AdamStep(_workers, parameter.Length, Ptr(op, parameter), Ptr(op, gradient), Ptr(op, firstMoment),
            Ptr(op, secondMoment), settings, step, l2Coefficient);
    }

    public void ResizeBilinearForward(Tensor input, Tensor output)
    {
        const string op = nameof(ResizeBilinearForward);
        var s = Resize(op, input, output);
        CpuResize.Forward(_workers, s, output.Shape.H, output.Shape.W, Ptr(op, input), Ptr(op, output));
    }

    public void ResizeBilinearBackward(Tensor gradOutput, Tensor gradInput)
    {
        const string op = nameof(ResizeBilinearBackward);
        var s = Resize(op, gradInput, gradOutput);
        CpuResize.Backward(_workers, s, gradOutput.Shape.H, gradOutput.Shape.W, Ptr(op, gradOutput), Ptr(op, gradInput));
    }

    public void Dispose() => _scratch.Dispose();

    /// <summary>The tensor as this backend's own and <see cref="CpuLayout.Planar"/> (converted if it was not).</summary>
    private CpuTensor Own(string operation, Tensor tensor)
    {
        var owned = OwnAsIs(operation, tensor);
        ChannelsLastConversion.Convert(_workers, _scratch, owned, CpuLayout.Planar);
        return owned;
    }

    /// <summary>
    /// An output the operation overwrites completely: its old values are dropped, not converted, and it is marked as
    /// holding <paramref name="layout"/>. Only for tensors the operation does not also read.
    /// </summary>
    private CpuTensor Overwritten(string operation, Tensor tensor, CpuLayout layout = CpuLayout.Planar)
    {
        var owned = OwnAsIs(operation, tensor);
        owned.Layout = layout;
        return owned;
    }

    /// <summary>The tensor's values in <paramref name="layout"/> (converted in place if needed).</summary>
    private float* InLayout(string operation, Tensor tensor, CpuLayout layout)
    {
        var owned = OwnAsIs(operation, tensor);
        ChannelsLastConversion.Convert(_workers, _scratch, owned, layout);
        return owned.Pointer;
    }

    /// <summary>The tensor as this backend's own in whatever layout it holds, after checking that this backend allocated it.</summary>
    private CpuTensor OwnAsIs(string operation, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor is not CpuTensor owned || !ReferenceEquals(tensor.Backend, this))
            throw new ShapeException(operation, $"{tensor} does not belong to this cpu backend.");
        if (tensor.IsDisposed)
            throw new ObjectDisposedException(tensor.ToString(), $"{operation}: the tensor was disposed.");
        return owned;
    }

    private float* Ptr(string operation, Tensor tensor) => Own(operation, tensor).Pointer;

    /// <summary>The processor's model name from /proc/cpuinfo where there is one, else the architecture.</summary>
    private static string ProcessorName()
    {
        try
        {
            const string cpuInfo = "/proc/cpuinfo";
            if (File.Exists(cpuInfo))
            {
                foreach (var line in File.ReadLines(cpuInfo))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal))
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }
}
