using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;
using NativeSeg.Engine.Validation;

using static NativeSeg.Engine.Tests.Support.TensorTransfer;

namespace NativeSeg.Engine.Tests.Cpu;

/// <summary>
/// The cpu backend's channels-last activations (<see cref="CpuLayout"/>): the Winograd convolution leaves its output
/// channels-last, the next Winograd layer reads it without a transpose, and every other operation still sees NCHW.
/// Checked bit for bit against the same layers run one at a time through host copies (which are always NCHW).
/// </summary>
[TestFixture]
public sealed class CpuChannelsLastTests
{
    [Test]
    public void ConversionPutsEachPixelsChannelsTogetherAndBackBitForBit()
    {
        int seed = CpuTestSeed.Next();
        var shape = TensorShape.Nchw(2, 32, 5, 37);    // 37 columns: two whole 16-column transposes and a tail of 5
        var values = new TensorRandom(seed).UniformSingle(shape.Length, -3, 3);
        using var backend = new CpuBackend(2);
        using var tensor = (CpuTensor)Up(backend, shape, values);
        var workers = new CpuWorkers(2);
        using var scratch = new CpuScratchPool();

        ChannelsLastConversion.Convert(workers, scratch, tensor, CpuLayout.ChannelsLast);
        Assert.That(tensor.Layout, Is.EqualTo(CpuLayout.ChannelsLast));
        var stored = tensor.Span.ToArray();
        for (int n = 0; n < 2; n++)
        for (int c = 0; c < 32; c++)
        for (int y = 0; y < 5; y++)
        for (int x = 0; x < 37; x++)
            Assert.That(stored[((n * 5 + y) * 37 + x) * 32 + c], Is.EqualTo(values[((n * 32 + c) * 5 + y) * 37 + x]),
                $"n {n} c {c} y {y} x {x} {CpuTestSeed.Replay(seed)}");

        Assert.That(Down(tensor), Is.EqualTo(values).AsCollection, "Download sees NCHW");
        Assert.That(tensor.Layout, Is.EqualTo(CpuLayout.Planar));
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var odd = (CpuTensor)backend.Allocate(TensorShape.Nchw(1, 24, 2, 2));
            ChannelsLastConversion.Convert(workers, scratch, odd, CpuLayout.ChannelsLast);
        });
    }

    /// <summary>
    /// Four Winograd layers as in a HighResNet stage change (16 → 32 with a 16-channel skip landing at channel 8, so the
    /// skip's lanes straddle a vector; 32 → 64 with a 32-channel skip; 64 → 64 twice), intermediates left on the
    /// backend (channels-last), then a ReLU and a 1×1 convolution that read NCHW, against the same layers each fed
    /// from a fresh NCHW upload: identical bits. Outputs are NaN-poisoned reused tensors in both runs.
    /// </summary>
    [Test]
    public void WinogradChainOnTheBackendEqualsLayersRunThroughTheHost()
    {
        int seed = CpuTestSeed.Next();
        var random = new TensorRandom(seed);
        const int batch = 2, height = 19, width = 45;
        var layers = new[]
        {
            new ChainLayer(16, 32, 2, random, Before: true, After: true, SkipFrom: -1),
            new ChainLayer(32, 32, 2, random, Before: true, After: false, SkipFrom: 0),    // skip: the chain's input (16 channels)
            new ChainLayer(32, 64, 4, random, Before: true, After: true, SkipFrom: 2),     // skip: layer 1's output (32 channels)
            new ChainLayer(64, 64, 4, random, Before: false, After: false, SkipFrom: 3),   // skip: layer 2's output
        };
        var input = random.UniformSingle(batch * 16 * height * width, -2, 2);
        var head = random.UniformSingle(8 * 64, -0.3f, 0.3f);

        using var onBackend = new CpuBackend(2, CpuConvolutionAlgorithm.Winograd);
        using var throughHost = new CpuBackend(2, CpuConvolutionAlgorithm.Winograd);
        var chained = RunChain(onBackend, layers, input, head, batch, height, width, hostBetweenLayers: false);
        var separate = RunChain(throughHost, layers, input, head, batch, height, width, hostBetweenLayers: true);
        Assert.That(chained.Activations.Length, Is.EqualTo(separate.Activations.Length));
        for (int i = 0; i < chained.Activations.Length; i++)
            Assert.That(chained.Activations[i], Is.EqualTo(separate.Activations[i]).AsCollection, $"layer {i} {CpuTestSeed.Replay(seed)}");
        Assert.That(chained.Head, Is.EqualTo(separate.Head).AsCollection, $"1×1 head {CpuTestSeed.Replay(seed)}");
        Assert.That(chained.Head.All(float.IsFinite), Is.True);
    }

    [Test]
    public void AChannelsLastTensorReusedAsAnOutputOrFilledHoldsTheNewValues()
    {
        int seed = CpuTestSeed.Next();
        var random = new TensorRandom(seed);
        using var backend = new CpuBackend(2, CpuConvolutionAlgorithm.Winograd);
        var shape = TensorShape.Nchw(1, 16, 6, 20);
        using var x = Up(backend, shape, random.UniformSingle(shape.Length, -1, 1));
        using var w3 = Up(backend, new TensorShape(16, 16, 3, 3), random.UniformSingle(16 * 16 * 9, -0.3f, 0.3f));
        using var y = (CpuTensor)backend.Allocate(shape);
        backend.ConvolutionInferenceForward(x, null, w3, 1, null, null, y);
        Assert.That(y.Layout, Is.EqualTo(CpuLayout.ChannelsLast));

        // A direct 1×1 convolution writes NCHW into the channels-last tensor: the reference computes the same product.
        var w1 = random.UniformSingle(16 * 16, -0.3f, 0.3f);
        using var w1Tensor = Up(backend, new TensorShape(16, 16, 1, 1), w1);
        backend.ConvolutionInferenceForward(x, null, w1Tensor, 1, null, null, y);
        using var reference = new ReferenceBackend();
        using var rx = Up(reference, shape, Down(x));
        using var rw = Up(reference, new TensorShape(16, 16, 1, 1), w1);
        using var ry = reference.Allocate(shape);
        reference.ConvolutionInferenceForward(rx, null, rw, 1, null, null, ry);
        Assert.That(ErrorMeasures.RelativeError(Down(y), Down(ry)), Is.LessThanOrEqualTo(Tolerances.Float32Operation),
            CpuTestSeed.Replay(seed));

        backend.ConvolutionInferenceForward(x, null, w3, 1, null, null, y);
        backend.Fill(y, 2.5f);
        Assert.That(Down(y), Is.All.EqualTo(2.5f));
    }

    /// <summary>
    /// 1×1 convolutions of a channels-last input run as one GEMM (<see cref="PointwiseConvolution"/>): 64 → 80 with
    /// BN + ReLU (output channels-last) and 80 → 2 with BN (output NCHW by transposes), on 2 images of 7×45 pixels
    /// (315 per image: 16-pixel groups straddle the images, and the last 192-pixel chunk is partial), NaN-poisoned
    /// outputs, against the float64 reference.
    /// </summary>
    [Test]
    public void PointwiseConvolutionsOfAChannelsLastInputMatchTheReference()
    {
        int seed = CpuTestSeed.Next();
        var random = new TensorRandom(seed);
        var xShape = TensorShape.Nchw(2, 64, 7, 45);
        var input = random.UniformSingle(xShape.Length, -2, 2);
        var w1 = random.UniformSingle(80 * 64, -0.3f, 0.3f);
        var w2 = random.UniformSingle(2 * 80, -0.3f, 0.3f);
        var bn1 = Enumerable.Range(0, 4).Select(i => random.UniformSingle(80, i == 3 ? 0.2f : -0.5f, 1.5f)).ToArray();
        var bn2 = Enumerable.Range(0, 4).Select(i => random.UniformSingle(2, i == 3 ? 0.2f : -0.5f, 1.5f)).ToArray();

        (float[] Hidden, float[] Logits) Run(IBackend backend, bool channelsLast)
        {
            var owned = new List<Tensor>();
            Tensor Make(TensorShape shape, float[] values)
            {
                var t = Up(backend, shape, values);
                owned.Add(t);
                return t;
            }
            InferenceBatchNorm Norm(float[][] v, bool relu) =>
                new(Make(TensorShape.Vector(v[0].Length), v[0]), Make(TensorShape.Vector(v[0].Length), v[1]),
                    Make(TensorShape.Vector(v[0].Length), v[2]), Make(TensorShape.Vector(v[0].Length), v[3]), 1e-5f, relu);
            try
            {
                var x = Make(xShape, input);
                if (channelsLast)
                {
                    using var scratch = new CpuScratchPool();
                    ChannelsLastConversion.Convert(new CpuWorkers(2), scratch, (CpuTensor)x, CpuLayout.ChannelsLast);
                }
                var hidden = Make(TensorShape.Nchw(2, 80, 7, 45), Enumerable.Repeat(float.NaN, 2 * 80 * 7 * 45).ToArray());
                var logits = Make(TensorShape.Nchw(2, 2, 7, 45), Enumerable.Repeat(float.NaN, 2 * 2 * 7 * 45).ToArray());
                backend.ConvolutionInferenceForward(x, null, Make(new TensorShape(80, 64, 1, 1), w1), 1, Norm(bn1, relu: true), null, hidden);
                if (backend is CpuBackend)
                    Assert.That(((CpuTensor)hidden).Layout, Is.EqualTo(channelsLast ? CpuLayout.ChannelsLast : CpuLayout.Planar));
                backend.ConvolutionInferenceForward(hidden, null, Make(new TensorShape(2, 80, 1, 1), w2), 1, Norm(bn2, relu: false), null, logits);
                return (Down(hidden), Down(logits));
            }
            finally
            {
                foreach (var t in owned) t.Dispose();
            }
        }

        using var cpu = new CpuBackend(2);
        using var reference = new ReferenceBackend();
        var fast = Run(cpu, channelsLast: true);
        var exact = Run(reference, channelsLast: false);
        var direct = Run(cpu, channelsLast: false);
        double hiddenError = ErrorMeasures.RelativeError(fast.Hidden, exact.Hidden);
        double logitError = ErrorMeasures.RelativeError(fast.Logits, exact.Logits);
        ErrorReport.Record("cpu-channels-last/ConvolutionInferenceForward 1×1 64→80 +bn/relu out", hiddenError);
        ErrorReport.Record("cpu-channels-last/ConvolutionInferenceForward 1×1 80→2 +bn out", logitError);
        Assert.That(hiddenError, Is.LessThanOrEqualTo(Tolerances.Float32Operation), $"64→80 {CpuTestSeed.Replay(seed)}");
        Assert.That(logitError, Is.LessThanOrEqualTo(Tolerances.Float32Operation), $"80→2 {CpuTestSeed.Replay(seed)}");
        Assert.That(ErrorMeasures.RelativeError(direct.Logits, exact.Logits), Is.LessThanOrEqualTo(Tolerances.Float32Operation));
    }

    private static (float[][] Activations, float[] Head) RunChain(CpuBackend backend, ChainLayer[] layers, float[] input, float[] head,
        int batch, int height, int width, bool hostBetweenLayers)
    {
        var owned = new List<Tensor>();
        Tensor Upload(int channels, float[] values)
        {
            var t = Up(backend, TensorShape.Nchw(batch, channels, height, width), values);
            owned.Add(t);
            return t;
        }
        try
        {
            var activations = new List<Tensor> { Upload(16, input) };
            var results = new List<float[]>();
            foreach (var layer in layers)
            {
                var source = activations[^1];
                var skip = layer.SkipFrom < 0 ? null : activations[layer.SkipFrom];
                if (hostBetweenLayers)
                {
                    source = Upload(source.Shape.C, Down(source));
                    skip = skip is null ? null : Upload(skip.Shape.C, Down(skip));
                }
                var output = Upload(layer.Out, Enumerable.Repeat(float.NaN, batch * layer.Out * height * width).ToArray());
                layer.Run(backend, source, skip, output, owned);
                activations.Add(output);
                if (hostBetweenLayers) results.Add(Down(output));
            }
            var last = activations[^1];
            var relu = Upload(64, new float[batch * 64 * height * width]);
            backend.ReluForward(last, relu);
            var w = Up(backend, new TensorShape(8, 64, 1, 1), head);
            owned.Add(w);
            var logits = Upload(8, new float[batch * 8 * height * width]);
            backend.ConvolutionInferenceForward(relu, null, w, 1, null, null, logits);
            if (!hostBetweenLayers) results.AddRange(activations.Skip(1).Select(Down));
            return (results.ToArray(), Down(logits));
        }
        finally
        {
            foreach (var t in owned) t.Dispose();
        }
    }

    /// <summary>One fused 3×3 layer of the chain with its random weights and batch norms.</summary>
    private sealed record ChainLayer(int In, int Out, int Dilation, float[] Weights, float[][] BeforeStatistics, float[][] AfterStatistics,
        bool Before, bool After, int SkipFrom)
    {
        public ChainLayer(int @in, int @out, int dilation, TensorRandom random, bool Before, bool After, int SkipFrom)
            : this(@in, @out, dilation, random.UniformSingle(@out * @in * 9, -0.3f, 0.3f), Statistics(random, @in), Statistics(random, @out),
                Before, After, SkipFrom)
        {
        }

        public void Run(IBackend backend, Tensor input, Tensor? skip, Tensor output, List<Tensor> owned)
        {
            var w = Up(backend, new TensorShape(Out, In, 3, 3), Weights);
            owned.Add(w);
            backend.ConvolutionInferenceForward(input, Before ? Norm(backend, BeforeStatistics, owned) : null, w, Dilation,
                After ? Norm(backend, AfterStatistics, owned) : null, skip, output);
        }

        private static InferenceBatchNorm Norm(IBackend backend, float[][] statistics, List<Tensor> owned)
        {
            var t = statistics.Select(v => Up(backend, TensorShape.Vector(v.Length), v)).ToArray();
            owned.AddRange(t);
            return new InferenceBatchNorm(t[0], t[1], t[2], t[3], 1e-5f, Relu: true);
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
