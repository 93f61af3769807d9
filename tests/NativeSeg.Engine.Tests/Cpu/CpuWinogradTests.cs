using System.Runtime.Intrinsics;
using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Cpu.Winograd;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;
using NativeSeg.Engine.Validation;

using static NativeSeg.Engine.Tests.Support.TensorTransfer;

namespace NativeSeg.Engine.Tests.Cpu;

/// <summary>
/// The cpu backend's Winograd F(4×4, 3×3) inference convolution: within float32 tolerance of the float64 reference
/// on fresh random inputs, outputs poisoned with NaN first, at every dilation, with tails that are not whole tiles,
/// images smaller than one tile and channel counts off the 16-lane vector; bit-identical for any thread count; and
/// re-transforming its cached kernels when the weights tensor changes.
/// </summary>
[TestFixture]
public sealed class CpuWinogradTests
{
    /// <summary>
    /// Per single layer, relative error (<see cref="ErrorMeasures"/>) against float64: Winograd's own precision class
    /// (measured 1e-6 – 6e-6 on these shapes; the direct path's is <see cref="Tolerances.Float32Operation"/>).
    /// </summary>
    private const double Tolerance = Tolerances.Float32Winograd;

    // (batch, in, out, height, width, dilation, before, after, skip channels)
    private static readonly object[] Cases =
    [
        new object[] { 2, 16, 16, 13, 37, 1, true, true, 0 },
        new object[] { 1, 16, 32, 21, 19, 2, true, true, 0 },
        new object[] { 2, 32, 32, 11, 29, 2, false, false, 16 },
        new object[] { 1, 32, 64, 17, 23, 4, true, true, 0 },
        new object[] { 1, 64, 64, 26, 41, 4, false, false, 32 },
        new object[] { 2, 5, 13, 9, 11, 4, true, false, 13 },
        new object[] { 1, 20, 40, 3, 2, 1, true, true, 20 },
        new object[] { 1, 1, 16, 12, 50, 1, false, true, 0 },
        new object[] { 3, 48, 80, 7, 9, 2, true, true, 0 },
    ];

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheReferenceAndTheDirectPath(int batch, int inChannels, int outChannels, int height, int width,
        int dilation, bool before, bool after, int skipChannels)
    {
        int seed = CpuTestSeed.Next();
        var layer = RandomLayer.Create(seed, batch, inChannels, outChannels, height, width, skipChannels);
        string name = $"3×3 d{dilation} {inChannels}→{outChannels} {batch}×{height}×{width}" +
            $"{(before ? " +bn/relu in" : "")}{(after ? " +bn/relu out" : "")}{(skipChannels > 0 ? $" +skip {skipChannels}" : "")}";

        using var winograd = new CpuBackend(2, CpuConvolutionAlgorithm.Winograd);
        using var direct = new CpuBackend(2, CpuConvolutionAlgorithm.Direct);
        using var reference = new ReferenceBackend();
        var fast = layer.Run(winograd, dilation, before, after);
        var exact = layer.Run(reference, dilation, before, after);
        var directResult = layer.Run(direct, dilation, before, after);

        double error = ErrorMeasures.RelativeError(fast, exact);
        ErrorReport.Record($"cpu-winograd/ConvolutionInferenceForward {name}", error);
        ErrorReport.Record($"cpu-direct/ConvolutionInferenceForward {name}", ErrorMeasures.RelativeError(directResult, exact));
        Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"{name}: relative error against the reference {CpuTestSeed.Replay(seed)}");
        Assert.That(ErrorMeasures.RelativeError(fast, directResult), Is.LessThanOrEqualTo(Tolerance),
            $"{name}: relative difference to the direct path {CpuTestSeed.Replay(seed)}");
    }

    [Test]
    public void IsBitIdenticalForAnyThreadCount()
    {
        int seed = CpuTestSeed.Next();
        var layer = RandomLayer.Create(seed, 2, 32, 32, 23, 45, 16);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var backend = new CpuBackend(threads, CpuConvolutionAlgorithm.Winograd);
            var result = layer.Run(backend, 2, before: true, after: true);
            first ??= result;
            Assert.That(result, Is.EqualTo(first).AsCollection, $"{threads} threads {CpuTestSeed.Replay(seed)}");
        }
    }

    [Test]
    public void TransformsTheKernelsAgainWhenTheWeightsChange()
    {
        int seed = CpuTestSeed.Next();
        var random = new TensorRandom(seed);
        using var cpu = new CpuBackend(2, CpuConvolutionAlgorithm.Winograd);
        using var reference = new ReferenceBackend();
        var xShape = TensorShape.Nchw(1, 16, 10, 14);
        var wShape = new TensorShape(16, 16, 3, 3);
        var input = random.UniformSingle(xShape.Length, -1, 1);
        using var x = Up(cpu, xShape, input);
        using var w = Up(cpu, wShape, random.UniformSingle(wShape.Length, -0.3f, 0.3f));
        using var y = cpu.Allocate(xShape);
        cpu.ConvolutionInferenceForward(x, null, w, 1, null, null, y);

        var changed = random.UniformSingle(wShape.Length, -0.3f, 0.3f);
        cpu.Upload(changed, w);
        cpu.Fill(y, float.NaN);
        cpu.ConvolutionInferenceForward(x, null, w, 1, null, null, y);

        using var rx = Up(reference, xShape, input);
        using var rw = Up(reference, wShape, changed);
        using var ry = reference.Allocate(xShape);
        reference.ConvolutionInferenceForward(rx, null, rw, 1, null, null, ry);
        Assert.That(ErrorMeasures.RelativeError(Down(y), Down(ry)), Is.LessThanOrEqualTo(Tolerance), CpuTestSeed.Replay(seed));
    }

    [Test]
    public void AutoChoosesWinogradFrom32Channels()
    {
        Assert.That(CpuConvolutionAlgorithms.Parse(null), Is.EqualTo(CpuConvolutionAlgorithm.Auto));
        Assert.That(CpuConvolutionAlgorithms.Parse(" Winograd "), Is.EqualTo(CpuConvolutionAlgorithm.Winograd));
        Assert.That(CpuConvolutionAlgorithms.Parse("direct"), Is.EqualTo(CpuConvolutionAlgorithm.Direct));
        Assert.Throws<ArgumentException>(() => CpuConvolutionAlgorithms.Parse("fft"));
        var auto = CpuConvolutionAlgorithm.Auto;
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(auto, 3, 64, 64), Is.True);
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(auto, 3, 32, 64), Is.True);
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(auto, 3, 32, 32), Is.True);
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(auto, 3, 16, 32), Is.False);
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(auto, 3, 16, 16), Is.False);
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(auto, 1, 64, 80), Is.False);
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(CpuConvolutionAlgorithm.Winograd, 3, 1, 16), Is.True);
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(CpuConvolutionAlgorithm.Winograd, 1, 64, 80), Is.False);
        Assert.That(CpuConvolutionAlgorithms.UsesWinograd(CpuConvolutionAlgorithm.Direct, 3, 64, 64), Is.False);
    }

    [Test]
    public void KernelTransformTimesInputTransformGivesTheCorrelationInFloat64()
    {
        // The matrices themselves, without float32: one 6×6 tile through Bᵀ d B, G g Gᵀ and Aᵀ (·) A in float64 equals
        // the 4×4 correlation to rounding. Checks the constants in WinogradTransforms' vector code by running the
        // Vector512 transforms on lanes that hold the same tile in every lane, widened back to float64 afterwards.
        var random = new Random(CpuTestSeed.Next());
        var d = new float[36];
        var g = new double[9];
        for (int i = 0; i < 36; i++) d[i] = random.Next(-8, 9);
        for (int i = 0; i < 9; i++) g[i] = random.Next(-8, 9);
        var u = new double[36];
        WinogradTransforms.Kernel(g, u);
        var v = InputTransform(d);
        var product = new float[36];
        for (int p = 0; p < 36; p++) product[p] = (float)(u[p] * v[p]);
        var y = OutputTransform(product);
        for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
        {
            double expected = 0;
            for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) expected += g[a * 3 + b] * d[(i + a) * 6 + j + b];
            Assert.That(y[i * 4 + j], Is.EqualTo(expected).Within(1e-4 * (1 + Math.Abs(expected))), $"output ({i}, {j})");
        }
    }

    /// <summary>Bᵀ d B of one 6×6 tile with the vector code (every lane holds the same tile).</summary>
    private static float[] InputTransform(float[] d)
    {
        var t = d.Select(Vector512.Create).ToArray();
        for (int b = 0; b < 6; b++)
            WinogradTransforms.Input(ref t[b], ref t[6 + b], ref t[12 + b], ref t[18 + b], ref t[24 + b], ref t[30 + b]);
        for (int a = 0; a < 36; a += 6)
            WinogradTransforms.Input(ref t[a], ref t[a + 1], ref t[a + 2], ref t[a + 3], ref t[a + 4], ref t[a + 5]);
        return t.Select(x => x[0]).ToArray();
    }

    /// <summary>Aᵀ m A of one 6×6 tile with the vector code.</summary>
    private static float[] OutputTransform(float[] m)
    {
        var t = m.Select(Vector512.Create).ToArray();
        var half = new Vector512<float>[24];
        for (int b = 0; b < 6; b++)
            WinogradTransforms.Output(t[b], t[6 + b], t[12 + b], t[18 + b], t[24 + b], t[30 + b],
                out half[b], out half[6 + b], out half[12 + b], out half[18 + b]);
        var y = new float[16];
        for (int i = 0; i < 4; i++)
        {
            var r = half.AsSpan(i * 6, 6);
            WinogradTransforms.Output(r[0], r[1], r[2], r[3], r[4], r[5], out var y0, out var y1, out var y2, out var y3);
            (y[i * 4], y[i * 4 + 1], y[i * 4 + 2], y[i * 4 + 3]) = (y0[0], y1[0], y2[0], y3[0]);
        }
        return y;
    }

    /// <summary>A random layer: input, weights, skip and two batch norms, runnable on any backend.</summary>
    private sealed record RandomLayer(int Batch, int InChannels, int OutChannels, int Height, int Width, int SkipChannels,
        float[] Input, float[] Weights, float[] Skip, float[][] Before, float[][] After)
    {
        public static RandomLayer Create(int seed, int batch, int inChannels, int outChannels, int height, int width, int skipChannels)
        {
            var random = new TensorRandom(seed);
            return new RandomLayer(batch, inChannels, outChannels, height, width, skipChannels,
                random.UniformSingle(batch * inChannels * height * width, -2, 2),
                random.UniformSingle(outChannels * inChannels * 9, -0.3f, 0.3f),
                random.UniformSingle(batch * Math.Max(skipChannels, 1) * height * width),
                Statistics(random, inChannels), Statistics(random, outChannels));
        }

        /// <summary>The fused convolution's output, poisoned with NaN before the call.</summary>
        public float[] Run(IBackend backend, int dilation, bool before, bool after)
        {
            using var x = Up(backend, TensorShape.Nchw(Batch, InChannels, Height, Width), Input);
            using var w = Up(backend, new TensorShape(OutChannels, InChannels, 3, 3), Weights);
            using var s = Up(backend, TensorShape.Nchw(Batch, Math.Max(SkipChannels, 1), Height, Width), Skip);
            using var y = backend.Allocate(TensorShape.Nchw(Batch, OutChannels, Height, Width));
            backend.Fill(y, float.NaN);
            var bn1 = Before.Select(v => Up(backend, TensorShape.Vector(InChannels), v)).ToArray();
            var bn2 = After.Select(v => Up(backend, TensorShape.Vector(OutChannels), v)).ToArray();
            try
            {
                backend.ConvolutionInferenceForward(x,
                    before ? new InferenceBatchNorm(bn1[0], bn1[1], bn1[2], bn1[3], 1e-5f, Relu: true) : null, w, dilation,
                    after ? new InferenceBatchNorm(bn2[0], bn2[1], bn2[2], bn2[3], 1e-5f, Relu: true) : null,
                    SkipChannels > 0 ? s : null, y);
                return Down(y);
            }
            finally
            {
                foreach (var t in bn1.Concat(bn2)) t.Dispose();
            }
        }

        private static float[][] Statistics(TensorRandom random, int channels) =>
        [
            random.UniformSingle(channels, 0.5f, 1.5f),
            random.UniformSingle(channels, -0.5f, 0.5f),
            random.UniformSingle(channels, -1f, 1f),
            random.UniformSingle(channels, 0.2f, 2f),
        ];
    }
}
