using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Tests.Ilgpu;

/// <summary>
/// The fused inference convolution kernel (and, for 1×1, the composition of separate kernels) on ILGPU's CPU
/// simulator against the float64 reference, in the network's three uses, with outputs poisoned with NaN first.
/// Tiny shapes: the simulator runs every GPU thread as an OS thread.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class IlgpuFusedInferenceTests
{
    private IlgpuTestHarness _h = null!;

    [OneTimeSetUp]
    public void StartBackends() => _h = new IlgpuTestHarness();

    [OneTimeTearDown]
    public void StopBackends() => _h.Dispose();

    // (in, out, kernel, dilation, before, after, skip channels); 37 columns span two 32-wide tiles.
    [TestCase(6, 5, 3, 4, true, true, 0)]
    [TestCase(4, 8, 3, 2, false, false, 4)]
    [TestCase(3, 6, 3, 1, true, false, 6)]
    [TestCase(5, 3, 1, 1, false, true, 0)]
    public void MatchesReference(int inChannels, int outChannels, int kernel, int dilation, bool before, bool after, int skipChannels)
    {
        var random = new Random(inChannels * 100 + outChannels * 10 + dilation);
        var (x, xr) = _h.Random(TensorShape.Nchw(2, inChannels, 7, 37), random, -2f, 2f);
        var (w, wr) = _h.Random(new TensorShape(outChannels, inChannels, kernel, kernel), random);
        var (s, sr) = _h.Random(TensorShape.Nchw(2, Math.Max(skipChannels, 1), 7, 37), random);
        var (y, yr) = _h.Output(TensorShape.Nchw(2, outChannels, 7, 37));
        var (bn1, bn1r) = Statistics(inChannels, random);
        var (bn2, bn2r) = Statistics(outChannels, random);
        _h.Fast.Fill(y, float.NaN);

        _h.Fast.ConvolutionInferenceForward(x, before ? Stage(bn1, true) : null, w, dilation, after ? Stage(bn2, kernel == 3) : null,
            skipChannels > 0 ? s : null, y);
        _h.Reference.ConvolutionInferenceForward(xr, before ? Stage(bn1r, true) : null, wr, dilation, after ? Stage(bn2r, kernel == 3) : null,
            skipChannels > 0 ? sr : null, yr);
        _h.Compare($"ConvolutionInferenceForward {kernel}x{kernel} d{dilation} {inChannels}→{outChannels}" +
            $"{(before ? " +bn/relu in" : "")}{(after ? " +bn out" : "")}{(skipChannels > 0 ? $" +skip {skipChannels}" : "")}", y, yr);
    }

    private static InferenceBatchNorm Stage(Tensor[] t, bool relu) => new(t[0], t[1], t[2], t[3], 1e-5f, relu);

    /// <summary>γ, β, running mean and a positive running variance on both backends.</summary>
    private (Tensor[] Fast, Tensor[] Reference) Statistics(int channels, Random random)
    {
        var shape = TensorShape.Vector(channels);
        var tensors = new[]
        {
            _h.Random(shape, random, 0.5f, 1.5f),
            _h.Random(shape, random, -0.5f, 0.5f),
            _h.Random(shape, random),
            _h.Random(shape, random, 0.2f, 2f),
        };
        return (tensors.Select(t => t.Fast).ToArray(), tensors.Select(t => t.Reference).ToArray());
    }
}
