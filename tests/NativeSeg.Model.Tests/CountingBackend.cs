using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Tests;

/// <summary>Delegates every operation to another backend and counts allocations, to prove the hot path allocates nothing.</summary>
internal sealed class CountingBackend(IBackend inner) : IBackend
{
    public int Allocations { get; private set; }
    public string Name => inner.Name;
    public string Description => inner.Description;
    public Tensor Allocate(TensorShape shape) { Allocations++; return inner.Allocate(shape); }
    public void Upload(ReadOnlySpan<float> source, Tensor destination) => inner.Upload(source, destination);
    public void Download(Tensor source, Span<float> destination) => inner.Download(source, destination);
    public void Fill(Tensor destination, float value) => inner.Fill(destination, value);
    public void Copy(Tensor source, Tensor destination) => inner.Copy(source, destination);
    public void Synchronize() => inner.Synchronize();
    public void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output) => inner.ConvolutionForward(input, weights, dilation, output);
    public void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput) => inner.ConvolutionBackwardData(gradOutput, weights, dilation, gradInput);
    public void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights) => inner.ConvolutionBackwardWeights(input, gradOutput, dilation, gradWeights);
    public void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation, InferenceBatchNorm? after, Tensor? residual, Tensor output)
        => inner.ConvolutionInferenceForward(input, before, weights, dilation, after, residual, output);
    public void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd)
        => inner.BatchNormTrainingForward(input, gamma, beta, runningMean, runningVariance, settings, output, savedMean, savedInverseStd);
    public void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, float epsilon, Tensor output)
        => inner.BatchNormInferenceForward(input, gamma, beta, runningMean, runningVariance, epsilon, output);
    public void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
        => inner.BatchNormBackward(input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta);
    public void ReluForward(Tensor input, Tensor output) => inner.ReluForward(input, output);
    public void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput) => inner.ReluBackward(output, gradOutput, gradInput);
    public void ResidualAddForward(Tensor input, Tensor skip, Tensor output) => inner.ResidualAddForward(input, skip, output);
    public void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip) => inner.ResidualAddBackwardSkip(gradOutput, gradSkip);
    public void SoftmaxForward(Tensor logits, Tensor probabilities) => inner.SoftmaxForward(logits, probabilities);
    public void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses) => inner.DiceNsLossForward(probabilities, labels, epsilon, sliceLosses);
    public void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits) => inner.DiceNsLossBackward(probabilities, labels, epsilon, gradLogits);
    public double SumOfSquares(Tensor tensor) => inner.SumOfSquares(tensor);
    public void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment, AdamSettings settings, int step, float l2Coefficient)
        => inner.AdamStep(parameter, gradient, firstMoment, secondMoment, settings, step, l2Coefficient);
    public void ResizeBilinearForward(Tensor input, Tensor output) => inner.ResizeBilinearForward(input, output);
    public void ResizeBilinearBackward(Tensor gradOutput, Tensor gradInput) => inner.ResizeBilinearBackward(gradOutput, gradInput);
    public void Dispose() => inner.Dispose();
}
