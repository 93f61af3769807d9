using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;
using NativeSeg.Engine.Validation;

using static NativeSeg.Engine.Tests.Support.TensorTransfer;

namespace NativeSeg.Engine.Tests.Cpu;

/// <summary>
/// The cpu backend's Winograd training passes (<see cref="IBackend.ConvolutionForward"/>,
/// <see cref="IBackend.ConvolutionBackwardData"/>, <see cref="IBackend.ConvolutionBackwardWeights"/> by F(4×4, 3×3)):
/// a chain of two convolutions, forward and backward, against the float64 reference on fresh random inputs with every
/// output poisoned with NaN first. The chain makes the second layer read the first one's channels-last output and the
/// backward passes read channels-last gradients, as in training; shapes cover every dilation, images that are not whole
/// tiles or smaller than one, and channel counts off the 16-lane vector (those layers stay planar).
/// </summary>
[TestFixture]
public sealed class CpuWinogradTrainingTests
{
    private const double Tolerance = Tolerances.Float32Winograd;

    // (batch, in, middle, height, width, dilation)
    private static readonly object[] Cases =
    [
        new object[] { 2, 16, 16, 13, 37, 1 },
        new object[] { 1, 16, 32, 21, 19, 2 },
        new object[] { 2, 32, 32, 11, 29, 2 },
        new object[] { 1, 32, 64, 17, 23, 4 },
        new object[] { 1, 64, 64, 26, 41, 4 },
        new object[] { 2, 5, 13, 9, 11, 4 },
        new object[] { 1, 20, 48, 3, 2, 1 },
        new object[] { 3, 48, 80, 7, 9, 2 },
    ];

    [TestCaseSource(nameof(Cases))]
    public void ChainMatchesTheReference(int batch, int inChannels, int middle, int height, int width, int dilation)
    {
        int seed = CpuTestSeed.Next();
        var chain = RandomChain.Create(seed, batch, inChannels, middle, height, width);
        string name = $"3×3 d{dilation} {inChannels}→{middle}→{middle} {batch}×{height}×{width}";
        using var winograd = new CpuBackend(2, CpuConvolutionAlgorithm.Winograd);
        using var reference = new ReferenceBackend();
        var fast = chain.Run(winograd, dilation);
        var exact = chain.Run(reference, dilation);
        string[] results = ["forward 1", "forward 2", "backward weights 2", "backward data 2", "backward weights 1", "backward data 1"];
        for (int k = 0; k < results.Length; k++)
        {
            double error = ErrorMeasures.RelativeError(fast[k], exact[k]);
            ErrorReport.Record($"cpu-winograd/training {results[k]} {name}", error);
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"{name}, {results[k]}: relative error {CpuTestSeed.Replay(seed)}");
        }
    }

    // (batch, in, middle, head, height, width): the head of HighResNet2D (a Winograd layer, then 1×1 to 80 and to 2
    // channels), pixel counts that are not whole 192-pixel chunks, and a middle off the 16-lane vector (stays direct).
    private static readonly object[] HeadCases =
    [
        new object[] { 2, 16, 64, 80, 13, 37 },
        new object[] { 1, 32, 32, 48, 19, 21 },
        new object[] { 3, 16, 16, 16, 5, 7 },
        new object[] { 1, 16, 20, 24, 9, 11 },
    ];

    /// <summary>
    /// 3×3 (Winograd, channels-last output) → 1×1 → 1×1 to 2 channels, forward and backward, against the reference:
    /// the 1×1 layers then run as GEMMs on channels-last operands (<see cref="PointwiseConvolutionBackward"/>), the
    /// 2-channel gradient gathered from NCHW.
    /// </summary>
    [TestCaseSource(nameof(HeadCases))]
    public void HeadMatchesTheReference(int batch, int inChannels, int middle, int head, int height, int width)
    {
        int seed = CpuTestSeed.Next();
        var random = new TensorRandom(seed);
        var x = random.UniformSingle(batch * inChannels * height * width, -2, 2);
        var w1 = random.UniformSingle(middle * inChannels * 9, -0.3f, 0.3f);
        var w2 = random.UniformSingle(head * middle, -0.3f, 0.3f);
        var w3 = random.UniformSingle(2 * head, -0.3f, 0.3f);
        var dy3 = random.UniformSingle(batch * 2 * height * width, -1, 1);
        string name = $"head {inChannels}→{middle}→{head}→2 {batch}×{height}×{width}";
        using var winograd = new CpuBackend(2, CpuConvolutionAlgorithm.Winograd);
        using var reference = new ReferenceBackend();
        var fast = RunHead(winograd, batch, inChannels, middle, head, height, width, x, w1, w2, w3, dy3);
        var exact = RunHead(reference, batch, inChannels, middle, head, height, width, x, w1, w2, w3, dy3);
        string[] results = ["forward 1×1", "forward 1×1 → 2", "backward weights 1×1 → 2", "backward data 1×1 → 2",
            "backward weights 1×1", "backward data 1×1", "backward weights 3×3"];
        for (int k = 0; k < results.Length; k++)
        {
            double error = ErrorMeasures.RelativeError(fast[k], exact[k]);
            ErrorReport.Record($"cpu-winograd/training {results[k]} {name}", error);
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance), $"{name}, {results[k]}: relative error {CpuTestSeed.Replay(seed)}");
        }
    }

    private static float[][] RunHead(IBackend backend, int batch, int inChannels, int middle, int head, int height, int width,
        float[] input, float[] weights1, float[] weights2, float[] weights3, float[] gradOutput)
    {
        TensorShape Shape(int channels) => TensorShape.Nchw(batch, channels, height, width);
        using var x = Up(backend, Shape(inChannels), input);
        using var w1 = Up(backend, new TensorShape(middle, inChannels, 3, 3), weights1);
        using var w2 = Up(backend, new TensorShape(head, middle, 1, 1), weights2);
        using var w3 = Up(backend, new TensorShape(2, head, 1, 1), weights3);
        using var dy3 = Up(backend, Shape(2), gradOutput);
        using var y1 = RandomChain.Poisoned(backend, Shape(middle));
        using var y2 = RandomChain.Poisoned(backend, Shape(head));
        using var y3 = RandomChain.Poisoned(backend, Shape(2));
        using var dw3 = RandomChain.Poisoned(backend, w3.Shape);
        using var dy2 = RandomChain.Poisoned(backend, Shape(head));
        using var dw2 = RandomChain.Poisoned(backend, w2.Shape);
        using var dy1 = RandomChain.Poisoned(backend, Shape(middle));
        using var dw1 = RandomChain.Poisoned(backend, w1.Shape);
        backend.ConvolutionForward(x, w1, 1, y1);
        backend.ConvolutionForward(y1, w2, 1, y2);
        backend.ConvolutionForward(y2, w3, 1, y3);
        backend.ConvolutionBackwardWeights(y2, dy3, 1, dw3);
        backend.ConvolutionBackwardData(dy3, w3, 1, dy2);
        backend.ConvolutionBackwardWeights(y1, dy2, 1, dw2);
        backend.ConvolutionBackwardData(dy2, w2, 1, dy1);
        backend.ConvolutionBackwardWeights(x, dy1, 1, dw1);
        return [Down(y2), Down(y3), Down(dw3), Down(dy2), Down(dw2), Down(dy1), Down(dw1)];
    }

    [Test]
    public void IsBitIdenticalForAnyThreadCount()
    {
        int seed = CpuTestSeed.Next();
        var chain = RandomChain.Create(seed, 2, 16, 32, 23, 45);
        float[][]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var backend = new CpuBackend(threads, CpuConvolutionAlgorithm.Winograd);
            var result = chain.Run(backend, 2);
            first ??= result;
            for (int k = 0; k < result.Length; k++)
                Assert.That(result[k], Is.EqualTo(first[k]).AsCollection, $"result {k}, {threads} threads {CpuTestSeed.Replay(seed)}");
        }
    }

    /// <summary>x → conv(w1) → y1 → conv(w2) → y2, then the backward passes from a random ∂y2.</summary>
    private sealed record RandomChain(int Batch, int InChannels, int Middle, int Height, int Width,
        float[] Input, float[] Weights1, float[] Weights2, float[] GradOutput)
    {
        public static RandomChain Create(int seed, int batch, int inChannels, int middle, int height, int width)
        {
            var random = new TensorRandom(seed);
            return new RandomChain(batch, inChannels, middle, height, width,
                random.UniformSingle(batch * inChannels * height * width, -2, 2),
                random.UniformSingle(middle * inChannels * 9, -0.3f, 0.3f),
                random.UniformSingle(middle * middle * 9, -0.3f, 0.3f),
                random.UniformSingle(batch * middle * height * width, -1, 1));
        }

        /// <summary>y1, y2, ∂w2, ∂y1, ∂w1, ∂x (each poisoned with NaN before the call that writes it).</summary>
        public float[][] Run(IBackend backend, int dilation)
        {
            var xShape = TensorShape.Nchw(Batch, InChannels, Height, Width);
            var yShape = TensorShape.Nchw(Batch, Middle, Height, Width);
            using var x = Up(backend, xShape, Input);
            using var w1 = Up(backend, new TensorShape(Middle, InChannels, 3, 3), Weights1);
            using var w2 = Up(backend, new TensorShape(Middle, Middle, 3, 3), Weights2);
            using var dy2 = Up(backend, yShape, GradOutput);
            using var y1 = Poisoned(backend, yShape);
            using var y2 = Poisoned(backend, yShape);
            using var dw2 = Poisoned(backend, w2.Shape);
            using var dy1 = Poisoned(backend, yShape);
            using var dw1 = Poisoned(backend, w1.Shape);
            using var dx = Poisoned(backend, xShape);
            backend.ConvolutionForward(x, w1, dilation, y1);
            backend.ConvolutionForward(y1, w2, dilation, y2);
            backend.ConvolutionBackwardWeights(y1, dy2, dilation, dw2);
            backend.ConvolutionBackwardData(dy2, w2, dilation, dy1);
            backend.ConvolutionBackwardWeights(x, dy1, dilation, dw1);
            backend.ConvolutionBackwardData(dy1, w1, dilation, dx);
            return [Down(y1), Down(y2), Down(dw2), Down(dy1), Down(dw1), Down(dx)];
        }

        public static Tensor Poisoned(IBackend backend, TensorShape shape)
        {
            var tensor = backend.Allocate(shape);
            backend.Fill(tensor, float.NaN);
            return tensor;
        }
    }
}
