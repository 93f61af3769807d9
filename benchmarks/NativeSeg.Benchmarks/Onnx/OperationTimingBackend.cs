using System.Diagnostics;
using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// Delegates every operation to another (synchronous) backend and adds the wall time of the inference-path
/// operations to a per-operation total, keyed by operation and, for convolutions, by kernel size, dilation and
/// channels. Used by <c>onnx-compare --profile</c> to show where NativeSeg's inference time goes.
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
