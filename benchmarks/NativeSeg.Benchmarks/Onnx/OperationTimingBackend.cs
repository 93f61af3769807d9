using System.Diagnostics;
using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// Delegates every operation to another (synchronous) backend and adds the wall time of the inference and training
/// operations to a per-operation total, keyed by operation and, for convolutions, by kernel size, dilation and
/// channels. Used by <c>onnx-compare --profile</c> and <c>training-profile</c> to show where the time goes.
/// </summary>
public sealed class OperationTimingBackend(IBackend inner) : DelegatingBackend(inner)
{
    private readonly Dictionary<string, (double Seconds, int Calls)> _totals = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, (double Seconds, int Calls)> Totals => _totals;

    public void Reset() => _totals.Clear();

    public override void Upload(ReadOnlySpan<float> source, Tensor destination)
    {
        long start = Stopwatch.GetTimestamp();
        Inner.Upload(source, destination);
        Add("Upload (host → tensor)", start);
    }

    public override void Download(Tensor source, Span<float> destination)
    {
        long start = Stopwatch.GetTimestamp();
        Inner.Download(source, destination);
        Add("Download (tensor → host)", start);
    }

    public override void ConvolutionForward(Tensor input, Tensor weights, int dilation, Tensor output) => Timed(
        $"Conv {weights.Shape[2]}×{weights.Shape[3]} d{dilation} {weights.Shape[1]}→{weights.Shape[0]}",
        () => Inner.ConvolutionForward(input, weights, dilation, output));

    public override void ConvolutionInferenceForward(Tensor input, InferenceBatchNorm? before, Tensor weights, int dilation, InferenceBatchNorm? after, Tensor? residual, Tensor output) => Timed(
        $"Fused conv {weights.Shape[2]}×{weights.Shape[3]} d{dilation} {weights.Shape[1]}→{weights.Shape[0]}{(before is null ? "" : " +BN/ReLU in")}{(after is null ? "" : " +BN out")}{(residual is null ? "" : " +skip")}",
        () => Inner.ConvolutionInferenceForward(input, before, weights, dilation, after, residual, output));

    public override void BatchNormInferenceForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance, float epsilon, Tensor output)
        => Timed("BatchNorm (inference)", () => Inner.BatchNormInferenceForward(input, gamma, beta, runningMean, runningVariance, epsilon, output));

    public override void ReluForward(Tensor input, Tensor output) => Timed("ReLU", () => Inner.ReluForward(input, output));

    public override void ResidualAddForward(Tensor input, Tensor skip, Tensor output) => Timed("Residual add", () => Inner.ResidualAddForward(input, skip, output));

    public override void SoftmaxForward(Tensor logits, Tensor probabilities) => Timed("Softmax", () => Inner.SoftmaxForward(logits, probabilities));

    // ---- The training step's operations (training-profile). ----

    public override void ConvolutionBackwardData(Tensor gradOutput, Tensor weights, int dilation, Tensor gradInput) => Timed(
        $"Conv backward data {weights.Shape[2]}×{weights.Shape[3]} d{dilation} {weights.Shape[1]}→{weights.Shape[0]}",
        () => Inner.ConvolutionBackwardData(gradOutput, weights, dilation, gradInput));

    public override void ConvolutionBackwardWeights(Tensor input, Tensor gradOutput, int dilation, Tensor gradWeights) => Timed(
        $"Conv backward weights {gradWeights.Shape[2]}×{gradWeights.Shape[3]} d{dilation} {gradWeights.Shape[1]}→{gradWeights.Shape[0]}",
        () => Inner.ConvolutionBackwardWeights(input, gradOutput, dilation, gradWeights));

    public override void BatchNormTrainingForward(Tensor input, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        BatchNormSettings settings, Tensor output, Tensor savedMean, Tensor savedInverseStd) => Timed("BatchNorm (training)",
        () => Inner.BatchNormTrainingForward(input, gamma, beta, runningMean, runningVariance, settings, output, savedMean, savedInverseStd));

    public override void BatchNormBackward(Tensor input, Tensor gradOutput, Tensor gamma, Tensor savedMean, Tensor savedInverseStd,
        Tensor gradInput, Tensor gradGamma, Tensor gradBeta) => Timed("BatchNorm backward",
        () => Inner.BatchNormBackward(input, gradOutput, gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta));

    public override void ReluBackward(Tensor output, Tensor gradOutput, Tensor gradInput) => Timed("ReLU backward",
        () => Inner.ReluBackward(output, gradOutput, gradInput));

    public override void ResidualAddBackwardSkip(Tensor gradOutput, Tensor gradSkip) => Timed("Residual add backward",
        () => Inner.ResidualAddBackwardSkip(gradOutput, gradSkip));

    public override void DiceNsLossForward(Tensor probabilities, Tensor labels, float epsilon, Tensor sliceLosses, Tensor? pixelWeights = null) =>
        Timed("Dice-NS forward", () => Inner.DiceNsLossForward(probabilities, labels, epsilon, sliceLosses, pixelWeights));

    public override void DiceNsLossBackward(Tensor probabilities, Tensor labels, float epsilon, Tensor gradLogits, Tensor? pixelWeights = null) =>
        Timed("Dice-NS backward", () => Inner.DiceNsLossBackward(probabilities, labels, epsilon, gradLogits, pixelWeights));

    public override void CrossEntropyLossForward(Tensor probabilities, Tensor labels, Tensor sliceLosses) =>
        Timed("Cross-entropy forward", () => Inner.CrossEntropyLossForward(probabilities, labels, sliceLosses));

    public override void CrossEntropyLossBackwardAdd(Tensor probabilities, Tensor labels, float scale, Tensor gradLogits) =>
        Timed("Cross-entropy backward", () => Inner.CrossEntropyLossBackwardAdd(probabilities, labels, scale, gradLogits));

    public override void AdamStep(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment,
        AdamSettings settings, int step, float l2Coefficient) => Timed("Adam",
        () => Inner.AdamStep(parameter, gradient, firstMoment, secondMoment, settings, step, l2Coefficient));

    public override double SumOfSquares(Tensor tensor)
    {
        long start = Stopwatch.GetTimestamp();
        double sum = Inner.SumOfSquares(tensor);
        Add("Sum of squares", start);
        return sum;
    }

    public override void SumsOfSquares(IReadOnlyList<Tensor> tensors, Span<double> sums)
    {
        long start = Stopwatch.GetTimestamp();
        Inner.SumsOfSquares(tensors, sums);
        Add("Sums of squares", start);
    }

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
