using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine;

/// <summary>
/// The argument checks every backend runs before an operation, so that all backends reject the same calls with
/// the same message (naming the operation and the shapes). Each check returns the sizes the loops need.
/// </summary>
public static class OperationContracts
{
    /// <summary>Sizes of a convolution call.</summary>
    public readonly record struct ConvolutionSizes(int Batch, int InChannels, int OutChannels, int Height, int Width, int Kernel, int Dilation)
    {
        /// <summary>Zero padding on each side: dilation for 3×3, 0 for 1×1.</summary>
        public int Padding => Kernel / 2 * Dilation;

        /// <summary>Multiply-adds ×2 of the forward pass.</summary>
        public double Flops => 2.0 * Batch * OutChannels * InChannels * Kernel * Kernel * Height * Width;
    }

    public readonly record struct NchwSizes(int Batch, int Channels, int Height, int Width)
    {
        public int Plane => Height * Width;
    }

    /// <summary>The cross-entropy's value takes ln max(p, this) (<see cref="NativeSeg.Kernels.KernelConstants.CrossEntropyProbabilityFloor"/>).</summary>
    public const float CrossEntropyProbabilityFloor = NativeSeg.Kernels.KernelConstants.CrossEntropyProbabilityFloor;

    public static ConvolutionSizes Convolution(string operation, Tensor activationIn, Tensor weights, int dilation, Tensor activationOut)
    {
        SameBackend(operation, activationIn, weights, activationOut);
        Rank(operation, "input", activationIn, 4);
        Rank(operation, "weights", weights, 4);
        Rank(operation, "output", activationOut, 4);
        var x = activationIn.Shape;
        var w = weights.Shape;
        var y = activationOut.Shape;
        int kernel = w[2];
        if (w[3] != kernel || (kernel != 3 && kernel != 1))
            throw new ShapeException(operation, $"weights {w} must be [Cout, Cin, 3, 3] or [Cout, Cin, 1, 1].");
        if (kernel == 3 && dilation is not (1 or 2 or 4))
            throw new ShapeException(operation, $"dilation {dilation} is not supported; a 3×3 convolution takes dilation 1, 2 or 4.");
        if (kernel == 1 && dilation != 1)
            throw new ShapeException(operation, $"a 1×1 convolution takes dilation 1, got {dilation}.");
        if (w[1] != x.C)
            throw new ShapeException(operation, $"weights {w} expect {w[1]} input channels but input {x} has {x.C}.");
        if (y.N != x.N || y.C != w[0] || y.H != x.H || y.W != x.W)
            throw new ShapeException(operation, $"output {y} must be [{x.N}, {w[0]}, {x.H}, {x.W}] for input {x} and weights {w}.");
        return new ConvolutionSizes(x.N, x.C, w[0], x.H, x.W, kernel, dilation);
    }

    /// <summary>
    /// Checks <see cref="IBackend.ConvolutionInferenceForward"/>: a valid convolution, batch-norm tensors of [Cin]
    /// (before) and [Cout] (after), a residual that fits the output as a centred skip, and an output that is neither
    /// the input nor the residual (the stages read those after the output is written). Returns the convolution's
    /// sizes, the residual's channel count (0 without one) and the output channel where its channel 0 lands.
    /// </summary>
    public static (ConvolutionSizes Sizes, int ResidualChannels, int ResidualOffset) ConvolutionInference(string operation, Tensor input, InferenceBatchNorm? before,
        Tensor weights, int dilation, InferenceBatchNorm? after, Tensor? residual, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(output);
        var s = Convolution(operation, input, weights, dilation, output);
        if (before is not null)
            PerChannel(operation, "before", before, input, s.InChannels);
        if (after is not null)
            PerChannel(operation, "after", after, output, s.OutChannels);
        int residualChannels = 0, residualOffset = 0;
        if (residual is not null)
        {
            if (ReferenceEquals(residual, output))
                throw new ShapeException(operation, "the residual must not be the output tensor.");
            (_, residualChannels, residualOffset) = Residual(operation, output, residual);
        }
        if (ReferenceEquals(input, output))
            throw new ShapeException(operation, "the output must not be the input tensor.");
        return (s, residualChannels, residualOffset);
    }

    private static void PerChannel(string operation, string stage, InferenceBatchNorm norm, Tensor activation, int channels)
    {
        SameBackend(operation, [activation, .. norm.PerChannel]);
        foreach (var t in norm.PerChannel)
        {
            if (t.Shape.Rank != 1 || t.Shape[0] != channels)
                throw new ShapeException(operation, $"the {stage} batch norm's per-channel tensor {t.Shape} must be [{channels}] for {activation.Shape}.");
        }
        if (!(norm.Epsilon > 0) || float.IsInfinity(norm.Epsilon))
            throw new ShapeException(operation, $"the {stage} batch norm's epsilon must be positive and finite, got {norm.Epsilon}.");
    }

    public static NchwSizes BatchNorm(string operation, Tensor input, Tensor output, params Tensor[] perChannel)
    {
        SameBackend(operation, [input, output, .. perChannel]);
        Rank(operation, "input", input, 4);
        SameShape(operation, "input", input, "output", output);
        var x = input.Shape;
        foreach (var t in perChannel)
        {
            if (t.Shape.Rank != 1 || t.Shape[0] != x.C)
                throw new ShapeException(operation, $"per-channel tensor {t.Shape} must be [{x.C}] for input {x}.");
        }
        return new NchwSizes(x.N, x.C, x.H, x.W);
    }

    public static NchwSizes Elementwise(string operation, Tensor a, Tensor b)
    {
        SameBackend(operation, a, b);
        Rank(operation, "input", a, 4);
        SameShape(operation, "input", a, "output", b);
        var s = a.Shape;
        return new NchwSizes(s.N, s.C, s.H, s.W);
    }

    /// <summary>Checks a residual add and returns the channel offset where the skip lands.</summary>
    public static (NchwSizes Sizes, int SkipChannels, int Offset) Residual(string operation, Tensor full, Tensor skip)
    {
        SameBackend(operation, full, skip);
        Rank(operation, "input", full, 4);
        Rank(operation, "skip", skip, 4);
        var f = full.Shape;
        var s = skip.Shape;
        if (s.N != f.N || s.H != f.H || s.W != f.W || s.C > f.C)
            throw new ShapeException(operation, $"skip {s} must match {f} in N, H, W and have at most {f.C} channels.");
        return (new NchwSizes(f.N, f.C, f.H, f.W), s.C, (f.C - s.C) / 2);
    }

    public static NchwSizes DiceNs(string operation, Tensor probabilities, Tensor labels, float epsilon, Tensor? pixelWeights = null)
    {
        SameBackend(operation, probabilities, labels);
        Rank(operation, "probabilities", probabilities, 4);
        SameShape(operation, "probabilities", probabilities, "labels", labels);
        if (!(epsilon > 0) || float.IsInfinity(epsilon))
            throw new ShapeException(operation, $"epsilon must be positive and finite, got {epsilon}.");
        var p = probabilities.Shape;
        if (pixelWeights is not null)
        {
            SameBackend(operation, probabilities, pixelWeights);
            var w = pixelWeights.Shape;
            if (w.Rank != 4 || w.N != p.N || w.C != 1 || w.H != p.H || w.W != p.W)
                throw new ShapeException(operation, $"pixelWeights {w} must be [{p.N}, 1, {p.H}, {p.W}] for probabilities {p}.");
        }
        return new NchwSizes(p.N, p.C, p.H, p.W);
    }

    public static NchwSizes Resize(string operation, Tensor input, Tensor output)
    {
        SameBackend(operation, input, output);
        Rank(operation, "input", input, 4);
        Rank(operation, "output", output, 4);
        var x = input.Shape;
        var y = output.Shape;
        if (x.N != y.N || x.C != y.C)
            throw new ShapeException(operation, $"input {x} and output {y} must agree in N and C.");
        return new NchwSizes(x.N, x.C, x.H, x.W);
    }

    public static void Adam(string operation, Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment, int step)
    {
        SameBackend(operation, parameter, gradient, firstMoment, secondMoment);
        SameShape(operation, "parameter", parameter, "gradient", gradient);
        SameShape(operation, "parameter", parameter, "first moment", firstMoment);
        SameShape(operation, "parameter", parameter, "second moment", secondMoment);
        if (step < 1)
            throw new ShapeException(operation, $"step counts from 1, got {step}.");
    }

    // ---- Whole-operation checks: the one call each backend makes before an operation (so no backend adds its own). ----

    /// <summary><see cref="IBackend.Copy"/>: one backend, one shape.</summary>
    public static void Copy(string operation, Tensor source, Tensor destination)
    {
        SameBackend(operation, source, destination);
        SameShape(operation, "source", source, "destination", destination);
    }

    /// <summary><see cref="IBackend.BatchNormBackward"/>: the batch-norm tensors, and a gradInput shaped like the input.</summary>
    public static NchwSizes BatchNormBackward(string operation, Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean,
        Tensor savedInverseStd, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        var sizes = BatchNorm(operation, input, gradOutput, gamma, savedMean, savedInverseStd, gradGamma, gradBeta);
        SameBackend(operation, input, gradInput);
        SameShape(operation, "input", input, "gradInput", gradInput);
        return sizes;
    }

    /// <summary><see cref="IBackend.BatchNormInferenceBackward"/>: the training backward's contract, with the running
    /// statistics where that one takes the saved ones (both are per-channel vectors).</summary>
    public static NchwSizes BatchNormInferenceBackward(string operation, Tensor input, Tensor gradOutput, Tensor gamma,
        Tensor runningMean, Tensor runningVariance, Tensor gradInput, Tensor gradGamma, Tensor gradBeta) =>
        BatchNormBackward(operation, input, gradOutput, gamma, runningMean, runningVariance, gradInput, gradGamma, gradBeta);

    /// <summary><see cref="IBackend.ReluBackward"/>: three tensors of one shape.</summary>
    public static NchwSizes ReluBackward(string operation, Tensor output, Tensor gradOutput, Tensor gradInput)
    {
        var sizes = Elementwise(operation, output, gradOutput);
        Elementwise(operation, output, gradInput);
        return sizes;
    }

    /// <summary><see cref="IBackend.ResidualAddForward"/>: a skip that fits the input as a centred skip, an output shaped like the input.</summary>
    public static (NchwSizes Sizes, int SkipChannels, int Offset) ResidualAddForward(string operation, Tensor input, Tensor skip, Tensor output)
    {
        var residual = Residual(operation, input, skip);
        Elementwise(operation, input, output);
        return residual;
    }

    /// <summary><see cref="IBackend.DiceNsLossForward"/>: probabilities and labels alike, sliceLosses [N], pixelWeights [N, 1, H, W] or none.</summary>
    public static NchwSizes DiceNsLossForward(string operation, Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses,
        Tensor? pixelWeights = null)
    {
        var sizes = DiceNs(operation, probabilities, labels, epsilon, pixelWeights);
        SameBackend(operation, probabilities, sliceLosses);
        if (sliceLosses.Shape.Rank != 1 || sliceLosses.Shape[0] != sizes.Batch)
            throw new ShapeException(operation, $"sliceLosses {sliceLosses.Shape} must be [{sizes.Batch}] for probabilities {probabilities.Shape}.");
        return sizes;
    }

    /// <summary><see cref="IBackend.DiceNsLossBackward"/>: probabilities and labels alike, gradLogits shaped like them, pixelWeights [N, 1, H, W] or none.</summary>
    public static NchwSizes DiceNsLossBackward(string operation, Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits,
        Tensor? pixelWeights = null)
    {
        var sizes = DiceNs(operation, probabilities, labels, epsilon, pixelWeights);
        SameBackend(operation, probabilities, gradLogits);
        SameShape(operation, "probabilities", probabilities, "gradLogits", gradLogits);
        return sizes;
    }

    /// <summary><see cref="IBackend.CrossEntropyLossForward"/>: probabilities and labels alike [N, C, H, W], sliceLosses [N].</summary>
    public static NchwSizes CrossEntropyLossForward(string operation, Tensor probabilities, Tensor labels, Tensor sliceLosses)
    {
        var sizes = CrossEntropy(operation, probabilities, labels);
        SameBackend(operation, probabilities, sliceLosses);
        if (sliceLosses.Shape.Rank != 1 || sliceLosses.Shape[0] != sizes.Batch)
            throw new ShapeException(operation, $"sliceLosses {sliceLosses.Shape} must be [{sizes.Batch}] for probabilities {probabilities.Shape}.");
        return sizes;
    }

    /// <summary><see cref="IBackend.CrossEntropyLossBackwardAdd"/>: probabilities, labels and gradLogits alike, a finite scale.</summary>
    public static NchwSizes CrossEntropyLossBackwardAdd(string operation, Tensor probabilities, Tensor labels, float scale, Tensor gradLogits)
    {
        var sizes = CrossEntropy(operation, probabilities, labels);
        SameBackend(operation, probabilities, gradLogits);
        SameShape(operation, "probabilities", probabilities, "gradLogits", gradLogits);
        if (!float.IsFinite(scale))
            throw new ShapeException(operation, $"scale must be finite, got {scale}.");
        return sizes;
    }

    private static NchwSizes CrossEntropy(string operation, Tensor probabilities, Tensor labels)
    {
        SameBackend(operation, probabilities, labels);
        Rank(operation, "probabilities", probabilities, 4);
        SameShape(operation, "probabilities", probabilities, "labels", labels);
        var p = probabilities.Shape;
        return new NchwSizes(p.N, p.C, p.H, p.W);
    }

    /// <summary>One sum per tensor; no tensor missing.</summary>
    public static void SumsOfSquares(string operation, IReadOnlyList<Tensor> tensors, int sumsLength)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (sumsLength != tensors.Count)
            throw new ShapeException(operation, $"{sumsLength} sums for {tensors.Count} tensors.");
        foreach (var tensor in tensors) ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
    }

    public static void Transfer(string operation, Tensor tensor, int spanLength)
    {
        if (tensor.IsDisposed)
            throw new ObjectDisposedException(tensor.ToString(), $"{operation}: the tensor was disposed.");
        if (spanLength != tensor.Length)
            throw new ShapeException(operation, $"tensor {tensor.Shape} has {tensor.Length} elements but the buffer has {spanLength}.");
    }

    public static void SameShape(string operation, string nameA, Tensor a, string nameB, Tensor b)
    {
        if (a.Shape != b.Shape)
            throw new ShapeException(operation, $"{nameA} {a.Shape} and {nameB} {b.Shape} must have the same shape.");
    }

    public static void Rank(string operation, string name, Tensor tensor, int rank)
    {
        if (tensor.Shape.Rank != rank)
            throw new ShapeException(operation, $"{name} {tensor.Shape} must have rank {rank}.");
    }

    public static void SameBackend(string operation, params Tensor[] tensors)
    {
        var backend = tensors[0].Backend;
        foreach (var t in tensors)
        {
            if (t.IsDisposed)
                throw new ObjectDisposedException(t.ToString(), $"{operation}: a tensor was disposed.");
            if (!ReferenceEquals(t.Backend, backend))
                throw new ShapeException(operation, $"tensors live on different backends ({backend.Name} and {t.Backend.Name}).");
        }
    }
}
