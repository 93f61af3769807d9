using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine;

/// <summary>
/// A backend that passes every call to an inner backend, which it owns (disposing it disposes the inner one).
/// Decorators (timing, counting, kernel experiments) derive from it and override only the operations they change,
/// so a new operation of <see cref="IBackend"/> is added here once, not in every decorator. Tensors are the inner
/// backend's: <see cref="Allocate"/> returns them unchanged.
/// </summary>
public abstract class DelegatingBackend(IBackend inner) : IBackend
{
    /// <summary>The backend every call goes to unless a derived class overrides it.</summary>
    protected IBackend Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public virtual string Name => Inner.Name;
    public virtual string Description => Inner.Description;

    public virtual Tensor Allocate(TensorShape shape) => Inner.Allocate(shape);
    public virtual void Upload(ReadOnlySpan<float> source, Tensor destination) => Inner.Upload(source, destination);
    public virtual void Download(Tensor source, Span<float> destination) => Inner.Download(source, destination);
    public virtual void Fill(Tensor destination, float value) => Inner.Fill(destination, value);
    public virtual void Copy(Tensor source, Tensor destination) => Inner.Copy(source, destination);
    public virtual void Synchronize() => Inner.Synchronize();

    public virtual void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output) =>
        Inner.ConvolutionForward(input, weights, dilation, output);

    public virtual void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput) =>
        Inner.ConvolutionBackwardData(gradOutput, weights, dilation, gradInput);

    public virtual void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights) =>
        Inner.ConvolutionBackwardWeights(input, gradOutput, dilation, gradWeights);

    /// <summary>The inner backend's fused path (not the interface's default composition, which would bypass it).</summary>
    public virtual void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation,
        InferenceBatchNorm? after, Tensor? residual, Tensor output) =>
        Inner.ConvolutionInferenceForward(input, before, weights, dilation, after, residual, output);

    public virtual void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd) =>
        Inner.BatchNormTrainingForward(input, gamma, beta, runningMean, runningVariance, settings, output, savedMean, savedInverseStd);

    public virtual void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        float epsilon, Tensor output) =>
        Inner.BatchNormInferenceForward(input, gamma, beta, runningMean, runningVariance, epsilon, output);

    public virtual void BatchNormInferenceBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor runningMean,
        Tensor runningVariance, float epsilon, Tensor gradInput, Tensor gradGamma, Tensor gradBeta) =>
        Inner.BatchNormInferenceBackward(input, gradOutput, gamma, runningMean, runningVariance, epsilon, gradInput, gradGamma, gradBeta);

    public virtual void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd,
        Tensor gradInput, Tensor gradGamma, Tensor gradBeta) =>
        Inner.BatchNormBackward(input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta);

    public virtual void ReluForward(Tensor input, Tensor output) => Inner.ReluForward(input, output);
    public virtual void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput) => Inner.ReluBackward(output, gradOutput, gradInput);
    public virtual void ResidualAddForward(Tensor input, Tensor skip, Tensor output) => Inner.ResidualAddForward(input, skip, output);
    public virtual void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip) => Inner.ResidualAddBackwardSkip(gradOutput, gradSkip);

    public virtual void SoftmaxForward(Tensor logits, Tensor probabilities) => Inner.SoftmaxForward(logits, probabilities);

    public virtual void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses, Tensor? pixelWeights = null) =>
        Inner.DiceNsLossForward(probabilities, labels, epsilon, sliceLosses, pixelWeights);

    public virtual void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits, Tensor? pixelWeights = null) =>
        Inner.DiceNsLossBackward(probabilities, labels, epsilon, gradLogits, pixelWeights);

    public virtual void CrossEntropyLossForward(Tensor probabilities, Tensor labels, Tensor sliceLosses) =>
        Inner.CrossEntropyLossForward(probabilities, labels, sliceLosses);

    public virtual void CrossEntropyLossBackwardAdd(Tensor probabilities, Tensor labels, float scale, Tensor gradLogits) =>
        Inner.CrossEntropyLossBackwardAdd(probabilities, labels, scale, gradLogits);

    public virtual double SumOfSquares(Tensor tensor) => Inner.SumOfSquares(tensor);

    public virtual void SumsOfSquares(IReadOnlyList<Tensor> tensors, Span<double> sums) => Inner.SumsOfSquares(tensors, sums);

    public virtual void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment,
        AdamSettings settings, int step, float l2Coefficient) =>
        Inner.AdamStep(parameter, gradient, firstMoment, secondMoment, settings, step, l2Coefficient);

    public virtual void ResizeBilinearForward(Tensor input, Tensor output) => Inner.ResizeBilinearForward(input, output);
    public virtual void ResizeBilinearBackward(Tensor gradOutput, Tensor gradInput) => Inner.ResizeBilinearBackward(gradOutput, gradInput);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner backend; a derived class releases its own resources first, then calls this.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
    }
}
