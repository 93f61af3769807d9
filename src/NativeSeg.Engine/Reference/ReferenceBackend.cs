using NativeSeg.Engine.Tensors;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Reference;

/// <summary>
/// The "reference" backend: float64 storage and the plain loops of <see cref="ReferenceOps"/>. It is the oracle
/// the fast backends are checked against, so it favours clarity: every call runs the shared
/// <see cref="OperationContracts"/> checks, then one <see cref="ReferenceOps"/> method. Values uploaded as float32
/// widen exactly to float64; downloads round to the nearest float32. Tests read the exact float64 values through
/// <see cref="Data"/> and can upload float64 values directly.
/// </summary>
public sealed class ReferenceBackend : IBackend
{
    public string Name => "reference";

    public string Description => "float64 scalar loops, one thread (the oracle)";

    /// <summary>A new tensor, poisoned with NaN so that an element an operation forgets to write shows up.</summary>
    public Tensor Allocate(TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var tensor = new ReferenceTensor(this, shape);
        Array.Fill(tensor.Data, double.NaN);
        return tensor;
    }

    /// <summary>A new tensor holding the given float64 values.</summary>
    public Tensor Allocate(TensorShape shape, ReadOnlySpan<double> values)
    {
        var tensor = Allocate(shape);
        Upload(values, tensor);
        return tensor;
    }

    /// <summary>The live float64 values of one of this backend's tensors (writes change the tensor).</summary>
    public double[] Data(Tensor tensor) => Own(nameof(Data), tensor);

    public void Upload(ReadOnlySpan<float> source, Tensor destination)
    {
        Transfer(nameof(Upload), destination, source.Length);
        var data = Own(nameof(Upload), destination);
        for (int k = 0; k < source.Length; k++) data[k] = source[k];
    }

    /// <summary>Uploads float64 values unchanged.</summary>
    public void Upload(ReadOnlySpan<double> source, Tensor destination)
    {
        Transfer(nameof(Upload), destination, source.Length);
        source.CopyTo(Own(nameof(Upload), destination));
    }

    public void Download(Tensor source, Span<float> destination)
    {
        Transfer(nameof(Download), source, destination.Length);
        var data = Own(nameof(Download), source);
        for (int k = 0; k < data.Length; k++) destination[k] = (float)data[k];
    }

    /// <summary>Downloads the exact float64 values.</summary>
    public void Download(Tensor source, Span<double> destination)
    {
        Transfer(nameof(Download), source, destination.Length);
        Own(nameof(Download), source).CopyTo(destination);
    }

    public void Fill(Tensor destination, float value)
    {
        SameBackend(nameof(Fill), destination);
        Array.Fill(Own(nameof(Fill), destination), value);
    }

    public void Copy(Tensor source, Tensor destination)
    {
        OperationContracts.Copy(nameof(Copy), source, destination);
        Own(nameof(Copy), source).CopyTo(Own(nameof(Copy), destination), 0);
    }

    /// <summary>Nothing is ever queued: every call finishes before it returns.</summary>
    public void Synchronize()
    {
    }

    public void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output)
    {
        const string op = nameof(ConvolutionForward);
        var s = Convolution(op, input, weights, dilation, output);
        ReferenceOps.ConvolutionForward(s, Own(op, input), Own(op, weights), Own(op, output));
    }

    public void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput)
    {
        const string op = nameof(ConvolutionBackwardData);
        var s = Convolution(op, gradInput, weights, dilation, gradOutput);
        ReferenceOps.ConvolutionBackwardData(s, Own(op, gradOutput), Own(op, weights), Own(op, gradInput));
    }

    public void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights)
    {
        const string op = nameof(ConvolutionBackwardWeights);
        var s = Convolution(op, input, gradWeights, dilation, gradOutput);
        ReferenceOps.ConvolutionBackwardWeights(s, Own(op, input), Own(op, gradOutput), Own(op, gradWeights));
    }

    /// <summary>The stages of <see cref="ConvolutionInferenceComposition"/> in float64, without intermediate rounding.</summary>
    public void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation,
        InferenceBatchNorm? after, Tensor? residual, Tensor output)
    {
        const string op = nameof(ConvolutionInferenceForward);
        var (s, residualChannels, _) = ConvolutionInference(op, input, before, weights, dilation, after, residual, output);
        var activated = Own(op, input);
        if (before is not null)
        {
            activated = new double[activated.Length];
            Normalize(op, new NchwSizes(s.Batch, s.InChannels, s.Height, s.Width), Own(op, input), before, activated);
        }
        var y = Own(op, output);
        ReferenceOps.ConvolutionForward(s, activated, Own(op, weights), y);
        var outputSizes = new NchwSizes(s.Batch, s.OutChannels, s.Height, s.Width);
        if (after is not null)
            Normalize(op, outputSizes, y, after, y);
        if (residual is not null)
            ReferenceOps.ResidualAddForward(outputSizes, residualChannels, y, Own(op, residual), y);
    }

    private void Normalize(string op, NchwSizes s, double[] input, InferenceBatchNorm norm, double[] output)
    {
        ReferenceOps.BatchNormInferenceForward(s, input, Own(op, norm.Gamma), Own(op, norm.Beta), Own(op, norm.RunningMean),
            Own(op, norm.RunningVariance), norm.Epsilon, output);
        if (norm.Relu)
            ReferenceOps.ReluForward(output, output);
    }

    public void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd)
    {
        const string op = nameof(BatchNormTrainingForward);
        var s = BatchNorm(op, input, output, gamma, beta, runningMean, runningVariance, savedMean, savedInverseStd);
        ReferenceOps.BatchNormTrainingForward(s, Own(op, input), Own(op, gamma), Own(op, beta),
            Own(op, runningMean), Own(op, runningVariance), settings.Momentum, settings.Epsilon,
            Own(op, output), Own(op, savedMean), Own(op, savedInverseStd));
    }

    public void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor output)
    {
        const string op = nameof(BatchNormInferenceForward);
        var s = BatchNorm(op, input, output, gamma, beta, runningMean, runningVariance);
        ReferenceOps.BatchNormInferenceForward(s, Own(op, input), Own(op, gamma), Own(op, beta),
            Own(op, runningMean), Own(op, runningVariance), epsilon, Own(op, output));
    }

    public void BatchNormInferenceBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        const string op = nameof(BatchNormInferenceBackward);
        var s = OperationContracts.BatchNormInferenceBackward(op, input, gradOutput, gamma, runningMean, runningVariance, gradInput, gradGamma, gradBeta);
        ReferenceOps.BatchNormInferenceBackward(s, Own(op, input), Own(op, gradOutput), Own(op, gamma), Own(op, runningMean),
            Own(op, runningVariance), epsilon, Own(op, gradInput), Own(op, gradGamma), Own(op, gradBeta));
    }

    public void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd,
        Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
    {
        const string op = nameof(BatchNormBackward);
        var s = OperationContracts.BatchNormBackward(op, input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta);
        ReferenceOps.BatchNormBackward(s, Own(op, input), Own(op, gradOutput), Own(op, gamma),
            Own(op, savedMean), Own(op, savedInverseStd), Own(op, gradInput), Own(op, gradGamma), Own(op, gradBeta));
    }

    public void ReluForward(Tensor input, Tensor output)
    {
        const string op = nameof(ReluForward);
        Elementwise(op, input, output);
        ReferenceOps.ReluForward(Own(op, input), Own(op, output));
    }

    public void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput)
    {
        const string op = nameof(ReluBackward);
        OperationContracts.ReluBackward(op, output, gradOutput, gradInput);
        ReferenceOps.ReluBackward(Own(op, output), Own(op, gradOutput), Own(op, gradInput));
    }

    public void ResidualAddForward(Tensor input, Tensor skip, Tensor output)
    {
        const string op = nameof(ResidualAddForward);
        var (s, skipChannels, _) = OperationContracts.ResidualAddForward(op, input, skip, output);
        ReferenceOps.ResidualAddForward(s, skipChannels, Own(op, input), Own(op, skip), Own(op, output));
    }

    public void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip)
    {
        const string op = nameof(ResidualAddBackwardSkip);
        var (s, skipChannels, _) = Residual(op, gradOutput, gradSkip);
        ReferenceOps.ResidualAddBackwardSkip(s, skipChannels, Own(op, gradOutput), Own(op, gradSkip));
    }

    public void SoftmaxForward(Tensor logits, Tensor probabilities)
    {
        const string op = nameof(SoftmaxForward);
        var s = Elementwise(op, logits, probabilities);
        ReferenceOps.SoftmaxForward(s, Own(op, logits), Own(op, probabilities));
    }

    public void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses, Tensor? pixelWeights = null)
    {
        const string op = nameof(DiceNsLossForward);
        var s = OperationContracts.DiceNsLossForward(op, probabilities, labels, epsilon, sliceLosses, pixelWeights);
        ReferenceOps.DiceNsLossForward(s, Own(op, probabilities), Own(op, labels), epsilon, Own(op, sliceLosses),
            pixelWeights is null ? null : Own(op, pixelWeights));
    }

    public void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits, Tensor? pixelWeights = null)
    {
        const string op = nameof(DiceNsLossBackward);
        var s = OperationContracts.DiceNsLossBackward(op, probabilities, labels, epsilon, gradLogits, pixelWeights);
        ReferenceOps.DiceNsLossBackward(s, Own(op, probabilities), Own(op, labels), epsilon, Own(op, gradLogits),
            pixelWeights is null ? null : Own(op, pixelWeights));
    }

    public void CrossEntropyLossForward(Tensor probabilities, Tensor labels, Tensor sliceLosses)
    {
        const string op = nameof(CrossEntropyLossForward);
        var s = OperationContracts.CrossEntropyLossForward(op, probabilities, labels, sliceLosses);
        ReferenceOps.CrossEntropyLossForward(s, Own(op, probabilities), Own(op, labels), Own(op, sliceLosses));
    }

    public void CrossEntropyLossBackwardAdd(Tensor probabilities, Tensor labels, float scale, Tensor gradLogits)
    {
        const string op = nameof(CrossEntropyLossBackwardAdd);
        var s = OperationContracts.CrossEntropyLossBackwardAdd(op, probabilities, labels, scale, gradLogits);
        ReferenceOps.CrossEntropyLossBackwardAdd(s, Own(op, probabilities), Own(op, labels), scale, Own(op, gradLogits));
    }

    public double SumOfSquares(Tensor tensor)
    {
        const string op = nameof(SumOfSquares);
        SameBackend(op, tensor);
        return ReferenceOps.SumOfSquares(Own(op, tensor));
    }

    public void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment,
        AdamSettings settings, int step, float l2Coefficient)
    {
        const string op = nameof(AdamStep);
        Adam(op, parameter, gradient, firstMoment, secondMoment, step);
        ReferenceOps.AdamStep(Own(op, parameter), Own(op, gradient), Own(op, firstMoment), Own(op, secondMoment),
            settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon, step, l2Coefficient);
    }

    public void ResizeBilinearForward(Tensor input, Tensor output)
    {
        const string op = nameof(ResizeBilinearForward);
        var s = Resize(op, input, output);
        ReferenceOps.ResizeBilinearForward(s, output.Shape.H, output.Shape.W, Own(op, input), Own(op, output));
    }

    public void ResizeBilinearBackward(Tensor gradOutput, Tensor gradInput)
    {
        const string op = nameof(ResizeBilinearBackward);
        var s = Resize(op, gradInput, gradOutput);
        ReferenceOps.ResizeBilinearBackward(s, gradOutput.Shape.H, gradOutput.Shape.W, Own(op, gradOutput), Own(op, gradInput));
    }

    public void Dispose()
    {
    }

    /// <summary>The float64 array behind a tensor, after checking that this backend owns it.</summary>
    private double[] Own(string operation, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor is not ReferenceTensor owned || !ReferenceEquals(tensor.Backend, this))
            throw new ShapeException(operation, $"{tensor} does not belong to this reference backend.");
        if (tensor.IsDisposed)
            throw new ObjectDisposedException(tensor.ToString(), $"{operation}: the tensor was disposed.");
        return owned.Data;
    }
}
