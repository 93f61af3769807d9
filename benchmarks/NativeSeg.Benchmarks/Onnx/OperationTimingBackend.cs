using System.Diagnostics;
using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// Delegates every operation to another (synchronous) backend and adds the wall time of the inference-path
/// operations to a per-operation total, keyed by operation and, for convolutions, by kernel size, dilation and
/// channels. Used by <c>onnx-compare --profile</c> to show where NativeSeg's inference time goes.
/// </summary>
public sealed class OperationTimingBackend(IBackend inner) : IBackend
{
    private readonly Dictionary<string, (double Seconds, int Calls)> _totals = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, (double Seconds, int Calls)> Totals => _totals;

    public void Reset() => _totals.Clear();

    public string Name => inner.Name;
    public string Description => inner.Description;
    public Tensor Allocate(TensorShape shape) => inner.Allocate(shape);
    public void Upload(ReadOnlySpan<float> source, Tensor destination)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Upload(source, destination);
        Add("Upload (host → tensor)", start);
    }
    public void Download(Tensor source, Span<float> destination)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Download(source, destination);
        Add("Download (tensor → host)", start);
    }
    public void Fill(Tensor destination, float value) => inner.Fill(destination, value);
    public void Copy(Tensor source, Tensor destination) => inner.Copy(source, destination);
    public void Synchronize() => inner.Synchronize();
    public void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output) => Timed(
        $"Conv {weights.Shape[2]}×{weights.Shape[3]} d{dilation} {weights.Shape[1]}→{weights.Shape[0]}",
        () => inner.ConvolutionForward(input, weights, dilation, output));
    public void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation, InferenceBatchNorm? after, Tensor? residual, Tensor output) => Timed(
        $"Fused conv {weights.Shape[2]}×{weights.Shape[3]} d{dilation} {weights.Shape[1]}→{weights.Shape[0]}{(before is null ? "" : " +BN/ReLU in")}{(after is null ? "" : " +BN out")}{(residual is null ? "" : " +skip")}",
        () => inner.ConvolutionInferenceForward(input, before, weights, dilation, after, residual, output));
    public void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput) => inner.ConvolutionBackwardData(gradOutput, weights, dilation, gradInput);
    public void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights) => inner.ConvolutionBackwardWeights(input, gradOutput, dilation, gradWeights);
    public void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd)
        => inner.BatchNormTrainingForward(input, gamma, beta, runningMean, runningVariance, settings, output, savedMean, savedInverseStd);
    public void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, float epsilon, Tensor output)
        => Timed("BatchNorm (inference)", () => inner.BatchNormInferenceForward(input, gamma, beta, runningMean, runningVariance, epsilon, output));
    public void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd, Tensor gradInput, Tensor gradGamma, Tensor gradBeta)
        => inner.BatchNormBackward(input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta);
    public void ReluForward(Tensor input, Tensor output) => Timed("ReLU", () => inner.ReluForward(input, output));
    public void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput) => inner.ReluBackward(output, gradOutput, gradInput);
    public void ResidualAddForward(Tensor input, Tensor skip, Tensor output) => Timed("Residual add", () => inner.ResidualAddForward(input, skip, output));
    public void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip) => inner.ResidualAddBackwardSkip(gradOutput, gradSkip);
    public void SoftmaxForward(Tensor logits, Tensor probabilities) => Timed("Softmax", () => inner.SoftmaxForward(logits, probabilities));
    public void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses) => inner.DiceNsLossForward(probabilities, labels, epsilon, sliceLosses);
    public void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits) => inner.DiceNsLossBackward(probabilities, labels, epsilon, gradLogits);
    public double SumOfSquares(Tensor tensor) => inner.SumOfSquares(tensor);
    public void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment, AdamSettings settings, int step, float l2Coefficient)
        => inner.AdamStep(parameter, gradient, firstMoment, secondMoment, settings, step, l2Coefficient);
    public void ResizeBilinearForward(Tensor input, Tensor output) => inner.ResizeBilinearForward(input, output);
    public void ResizeBilinearBackward(Tensor gradOutput, Tensor gradInput) => inner.ResizeBilinearBackward(gradOutput, gradInput);
    public void Dispose() => inner.Dispose();

    private void Timed(string key, Action operation)
    {
        long start = Stopwatch.GetTimestamp();
        operation();
        Add(key, start);
    }

    private void Add(string key, long start)
    {
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var (total, calls) = _totals.GetValueOrDefault(key);
        _totals[key] = (total + seconds, calls + 1);
    }
}
