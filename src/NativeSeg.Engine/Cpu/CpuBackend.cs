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
    /// <param name="convolution">How 3×3 convolutions run (inference and training); null means <see cref="CpuConvolutionAlgorithms.FromEnvironment"/>.</param>
    public CpuBackend(int? threads = null, CpuConvolutionAlgorithm? convolution = null)
    {
        int count = threads ?? Environment.ProcessorCount;
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "A CPU backend needs at least one thread.");
        _workers = new CpuWorkers(count);
        Convolution = convolution ?? CpuConvolutionAlgorithms.FromEnvironment();
    }

    /// <summary>
    /// How the 3×3 convolutions are computed: the fused inference convolution and the three training passes. Settable
    /// inside the engine's assemblies, so that a benchmark can alternate the paths on one network and workspace.
    /// </summary>
    public CpuConvolutionAlgorithm Convolution { get; internal set; }

    public string Name => "cpu";

    /// <summary>Worker threads used by the parallel loops.</summary>
    public int Threads => _workers.Threads;

    public string Description =>
        $"{ProcessorName()}, {Threads} thread{(Threads == 1 ? "" : "s")}, float32 " +
        (Vector512.IsHardwareAccelerated ? "AVX-512 (Vector512, 16 lanes)" : "Vector512 emulated (no AVX-512: slower)") +
        $", 3×3 convolutions: {Convolution.ToString().ToLowerInvariant()}";

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
        if (CpuConvolutionAlgorithms.UsesWinograd(Convolution, s.Kernel, s.InChannels, s.OutChannels))
        {
            WinogradPlain(op, s, input, weights, transposeAndFlip: false, output);
            return;
        }
        if (RunsPointwise(op, s, input, out var held))
        {
            // A 1×1 convolution of a channels-last input is one GEMM (the head after the last Winograd block).
            float* packed = _winogradWeights.Get(weights, Ptr(op, weights), s.OutChannels, s.InChannels, kernel: 1);
            var layout = ChannelsLastConversion.Supports(output.Shape) ? CpuLayout.ChannelsLast : CpuLayout.Planar;
            PointwiseConvolution.Forward(_workers, _scratch, s, held.Pointer, packed, null, Overwritten(op, output, layout).Pointer,
                layout == CpuLayout.ChannelsLast);
            return;
        }
        CpuConvolution.Forward(_workers, _scratch, s, Ptr(op, input), Ptr(op, weights), Overwritten(op, output).Pointer);
    }

    public void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput)
    {
        const string op = nameof(ConvolutionBackwardData);
        var s = Convolution(op, gradInput, weights, dilation, gradOutput);
        if (CpuConvolutionAlgorithms.UsesWinograd(Convolution, s.Kernel, s.InChannels, s.OutChannels))
        {
            // The transposed convolution is the Cout → Cin convolution with the kernels transposed and turned by 180°.
            var transposed = s with { InChannels = s.OutChannels, OutChannels = s.InChannels };
            WinogradPlain(op, transposed, gradOutput, weights, transposeAndFlip: true, gradInput);
            return;
        }
        if (Convolution != CpuConvolutionAlgorithm.Direct && PointwiseConvolutionBackward.Applies(s)
            && ReadsAsPointwiseGradient(op, gradOutput, out var gradient))
        {
            PointwiseConvolutionBackward.BackwardData(_workers, _scratch, s, gradient.Pointer, gradient.Layout == CpuLayout.ChannelsLast,
                Ptr(op, weights), Overwritten(op, gradInput, CpuLayout.ChannelsLast).Pointer);
            return;
        }
        CpuConvolution.BackwardData(_workers, _scratch, s, Ptr(op, gradOutput), Ptr(op, weights), Overwritten(op, gradInput).Pointer);
    }

    public void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights)
    {
        const string op = nameof(ConvolutionBackwardWeights);
        var s = Convolution(op, input, gradWeights, dilation, gradOutput);
        if (CpuConvolutionAlgorithms.UsesWinograd(Convolution, s.Kernel, s.InChannels, s.OutChannels)
            && ChannelsLastConversion.Supports(gradOutput.Shape))
        {
            // The gradient is read channels-last (converted once here if it is not); the input in either layout.
            float* gradient = InLayout(op, gradOutput, CpuLayout.ChannelsLast);
            var source = OwnAsIs(op, input);
            WinogradWeightGradient.Compute(_workers, _scratch, s, source.Pointer, source.Layout == CpuLayout.ChannelsLast, gradient,
                Overwritten(op, gradWeights).Pointer);
            return;
        }
        if (RunsPointwise(op, s, input, out var held) && ReadsAsPointwiseGradient(op, gradOutput, out var pointwiseGradient))
        {
            PointwiseConvolutionBackward.WeightGradient(_workers, _scratch, s, held.Pointer, pointwiseGradient.Pointer,
                pointwiseGradient.Layout == CpuLayout.ChannelsLast, Overwritten(op, gradWeights).Pointer);
            return;
        }
        CpuConvolution.BackwardWeights(_workers, _scratch, s, Ptr(op, input), Ptr(op, gradOutput), Overwritten(op, gradWeights).Pointer);
    }

    /// <summary>
    /// A plain 3×3 convolution (no batch norm, ReLU or residual) by Winograd, for training: the kernels transformed into
    /// scratch on every call (they change every step), the source read in its layout, the destination left
    /// channels-last where its channels allow, so that the batch norm, ReLU and the next convolution read it without
    /// a transpose.
    /// </summary>
    private void WinogradPlain(string op, ConvolutionSizes s, Tensor source, Tensor weights, bool transposeAndFlip, Tensor destination)
    {
        int weightOut = transposeAndFlip ? s.InChannels : s.OutChannels, weightIn = transposeAndFlip ? s.OutChannels : s.InChannels;
        int length = WinogradWeightCache.TransformedLength(weightOut, weightIn);
        using var transformed = _scratch.Rent(length);
        WinogradWeightCache.TransformInto(new ReadOnlySpan<float>(Ptr(op, weights), weights.Length), weightOut, weightIn, transposeAndFlip,
            new Span<float>(transformed.Pointer, length));
        var held = OwnAsIs(op, source);
        var layout = ChannelsLastConversion.Supports(destination.Shape) ? CpuLayout.ChannelsLast : CpuLayout.Planar;
        WinogradConvolution.Forward(_workers, s, held.Pointer, held.Layout == CpuLayout.ChannelsLast, null, transformed.Pointer, null, null, 0, 0,
            Overwritten(op, destination, layout).Pointer, layout == CpuLayout.ChannelsLast);
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
        if (HoldsWholeChannelVectors(op, input, out var held))
        {
            ChannelsLastTrainingKernels.BatchNormTrainingForward(_workers, s, held.Pointer, Ptr(op, gamma), Ptr(op, beta),
                Ptr(op, runningMean), Ptr(op, runningVariance), settings.Momentum, settings.Epsilon,
                Overwritten(op, output, CpuLayout.ChannelsLast).Pointer, Ptr(op, savedMean), Ptr(op, savedInverseStd));
            return;
        }
        CpuBatchNorm.TrainingForward(_workers, s, Ptr(op, input), Ptr(op, gamma), Ptr(op, beta), Ptr(op, runningMean),
            Ptr(op, runningVariance), settings.Momentum, settings.Epsilon, Overwritten(op, output).Pointer, Ptr(op, savedMean), Ptr(op, savedInverseStd));
    }

    public void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor output)
    {
        const string op = nameof(BatchNormInferenceForward);
        var s = BatchNorm(op, input, output, gamma, beta, runningMean, runningVariance);
        CpuBatchNorm.InferenceForward(_workers, s, Ptr(op, input), Ptr(op, gamma), Ptr(op, beta), Ptr(op, runningMean),
            Ptr(op, runningVariance), epsilon, Overwritten(op, output).Pointer);
    }

    public void BatchNormInferenceBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        const string op = nameof(BatchNormInferenceBackward);
        var s = OperationContracts.BatchNormInferenceBackward(op, input, gradOutput, gamma, runningMean, runningVariance, gradInput, gradGamma, gradBeta);
        if (HoldsWholeChannelVectors(op, input, out var held))
        {
            ChannelsLastTrainingKernels.BatchNormInferenceBackward(_workers, s, held.Pointer, InLayout(op, gradOutput, CpuLayout.ChannelsLast),
                Ptr(op, gamma), Ptr(op, runningMean), Ptr(op, runningVariance), epsilon,
                Overwritten(op, gradInput, CpuLayout.ChannelsLast).Pointer, Ptr(op, gradGamma), Ptr(op, gradBeta));
            return;
        }
        CpuBatchNorm.InferenceBackward(_workers, s, Ptr(op, input), Ptr(op, gradOutput), Ptr(op, gamma), Ptr(op, runningMean),
            Ptr(op, runningVariance), epsilon, Overwritten(op, gradInput).Pointer, Ptr(op, gradGamma), Ptr(op, gradBeta));
    }

    public void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd,
        Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        const string op = nameof(BatchNormBackward);
        var s = OperationContracts.BatchNormBackward(op, input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta);
        if (HoldsWholeChannelVectors(op, input, out var held))
        {
            ChannelsLastTrainingKernels.BatchNormBackward(_workers, s, held.Pointer, InLayout(op, gradOutput, CpuLayout.ChannelsLast),
                Ptr(op, gamma), Ptr(op, savedMean), Ptr(op, savedInverseStd),
                Overwritten(op, gradInput, CpuLayout.ChannelsLast).Pointer, Ptr(op, gradGamma), Ptr(op, gradBeta));
            return;
        }
        CpuBatchNorm.Backward(_workers, s, Ptr(op, input), Ptr(op, gradOutput), Ptr(op, gamma), Ptr(op, savedMean),
            Ptr(op, savedInverseStd), Overwritten(op, gradInput).Pointer, Ptr(op, gradGamma), Ptr(op, gradBeta));
    }

    public void ReluForward(Tensor input, Tensor output)
    {
        const string op = nameof(ReluForward);
        Elementwise(op, input, output);
        // Element-wise: runs on the input's layout, and the output takes it.
        var held = OwnAsIs(op, input);
        CpuElementwise.ReluForward(_workers, input.Length, held.Pointer, Overwritten(op, output, held.Layout).Pointer);
    }

    public void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput)
    {
        const string op = nameof(ReluBackward);
        OperationContracts.ReluBackward(op, output, gradOutput, gradInput);
        // Element-wise: the gradient is brought into the output's layout, and the input gradient takes it.
        var held = OwnAsIs(op, output);
        float* dy = InLayout(op, gradOutput, held.Layout);
        CpuElementwise.ReluBackward(_workers, output.Length, held.Pointer, dy, Overwritten(op, gradInput, held.Layout).Pointer);
    }

    public void ResidualAddForward(Tensor input, Tensor skip, Tensor output)
    {
        const string op = nameof(ResidualAddForward);
        var (s, skipChannels, offset) = OperationContracts.ResidualAddForward(op, input, skip, output);
        if (skipChannels % Vector512<float>.Count == 0 && HoldsWholeChannelVectors(op, input, out var held))
        {
            float* skipValues = InLayout(op, skip, CpuLayout.ChannelsLast);
            // In place (output is input) the tensor keeps its layout; otherwise the output takes the input's.
            float* destination = ReferenceEquals(input, output) ? held.Pointer : Overwritten(op, output, CpuLayout.ChannelsLast).Pointer;
            ChannelsLastTrainingKernels.ResidualAddForward(_workers, s, skipChannels, offset, held.Pointer, skipValues, destination);
            return;
        }
        CpuElementwise.ResidualAddForward(_workers, s, skipChannels, offset, Ptr(op, input), Ptr(op, skip), Ptr(op, output));
    }

    public void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip)
    {
        const string op = nameof(ResidualAddBackwardSkip);
        var (s, skipChannels, offset) = Residual(op, gradOutput, gradSkip);
        if (skipChannels % Vector512<float>.Count == 0 && HoldsWholeChannelVectors(op, gradOutput, out var held))
        {
            // gradSkip is read and accumulated into, so it is converted (not dropped) into the gradient's layout.
            ChannelsLastTrainingKernels.ResidualAddBackwardSkip(_workers, s, skipChannels, offset, held.Pointer,
                InLayout(op, gradSkip, CpuLayout.ChannelsLast));
            return;
        }
        CpuElementwise.ResidualAddBackwardSkip(_workers, s, skipChannels, offset, Ptr(op, gradOutput), Ptr(op, gradSkip));
    }

    public void SoftmaxForward(Tensor logits, Tensor probabilities)
    {
        const string op = nameof(SoftmaxForward);
        var s = Elementwise(op, logits, probabilities);
        CpuSoftmaxDice.SoftmaxForward(_workers, s, Ptr(op, logits), Overwritten(op, probabilities).Pointer);
    }

    public void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses, Tensor? pixelWeights = null)
    {
        const string op = nameof(DiceNsLossForward);
        var s = OperationContracts.DiceNsLossForward(op, probabilities, labels, epsilon, sliceLosses, pixelWeights);
        CpuSoftmaxDice.DiceNsLossForward(_workers, s, Ptr(op, probabilities), Ptr(op, labels), OptionalPtr(op, pixelWeights), epsilon,
            Ptr(op, sliceLosses));
    }

    public void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits, Tensor? pixelWeights = null)
    {
        const string op = nameof(DiceNsLossBackward);
        var s = OperationContracts.DiceNsLossBackward(op, probabilities, labels, epsilon, gradLogits, pixelWeights);
        CpuSoftmaxDice.DiceNsLossBackward(_workers, s, Ptr(op, probabilities), Ptr(op, labels), OptionalPtr(op, pixelWeights), epsilon,
            Overwritten(op, gradLogits).Pointer);
    }

    public void CrossEntropyLossForward(Tensor probabilities, Tensor labels, Tensor sliceLosses)
    {
        const string op = nameof(CrossEntropyLossForward);
        var s = OperationContracts.CrossEntropyLossForward(op, probabilities, labels, sliceLosses);
        CpuCrossEntropy.Forward(_workers, s, Ptr(op, probabilities), Ptr(op, labels), Ptr(op, sliceLosses));
    }

    public void CrossEntropyLossBackwardAdd(Tensor probabilities, Tensor labels, float scale, Tensor gradLogits)
    {
        const string op = nameof(CrossEntropyLossBackwardAdd);
        var s = OperationContracts.CrossEntropyLossBackwardAdd(op, probabilities, labels, scale, gradLogits);
        CpuCrossEntropy.BackwardAdd(_workers, s, Ptr(op, probabilities), Ptr(op, labels), scale, Ptr(op, gradLogits));
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
    /// holding <paramref name="layout"/>. Only for tensors the operation does not also read, or reads through a pointer
    /// taken before this call in the same layout (arguments are evaluated left to right, so an input that is also
    /// the output was already brought into that layout).
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

    /// <summary>
    /// Whether a training 1×1 convolution runs as a GEMM on its channels-last input (<see cref="PointwiseConvolution"/>,
    /// <see cref="PointwiseConvolutionBackward"/>): not with <see cref="CpuConvolutionAlgorithm.Direct"/>, which keeps
    /// every convolution on the exact direct loop, and only where the input already is channels-last.
    /// </summary>
    private bool RunsPointwise(string operation, ConvolutionSizes s, Tensor input, out CpuTensor held) =>
        HoldsWholeChannelVectors(operation, input, out held) && Convolution != CpuConvolutionAlgorithm.Direct
        && PointwiseConvolutionBackward.Applies(s);

    /// <summary>
    /// Whether the pointwise backward passes can read the output gradient as it is: channels-last, or NCHW with too few
    /// channels to be held channels-last (the classifier's 2), which they gather per chunk.
    /// </summary>
    private bool ReadsAsPointwiseGradient(string operation, Tensor gradOutput, out CpuTensor held)
    {
        held = OwnAsIs(operation, gradOutput);
        return held.Layout == CpuLayout.ChannelsLast || !ChannelsLastConversion.Supports(gradOutput.Shape);
    }

    /// <summary>
    /// Whether <paramref name="tensor"/> already holds <see cref="CpuLayout.ChannelsLast"/> with whole 16-channel vectors
    /// per pixel, so the channels-last training kernels can run on it without converting anything. Batch norm and the
    /// residual add follow the layout the convolutions leave behind instead of forcing one.
    /// </summary>
    private bool HoldsWholeChannelVectors(string operation, Tensor tensor, out CpuTensor held)
    {
        held = OwnAsIs(operation, tensor);
        return held.Layout == CpuLayout.ChannelsLast && tensor.Shape.C % Vector512<float>.Count == 0;
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

    /// <summary>The tensor's data, or null for an absent optional operand.</summary>
    private float* OptionalPtr(string operation, Tensor? tensor) => tensor is null ? null : Own(operation, tensor).Pointer;

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
