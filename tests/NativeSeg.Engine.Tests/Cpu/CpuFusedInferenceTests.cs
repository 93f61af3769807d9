using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;
using NativeSeg.Engine.Validation;

using static NativeSeg.Engine.Tests.Support.TensorTransfer;

namespace NativeSeg.Engine.Tests.Cpu;

/// <summary>
/// The cpu backend's fused inference convolution (batch norm + ReLU in the padding copy, batch norm + ReLU and the
/// residual add on each finished output row): bit-for-bit equal to the separate cpu operations, within float32
/// tolerance of the float64 reference, and rejecting calls that do not fit, by name.
/// </summary>
[TestFixture]
public sealed class CpuFusedInferenceTests
{
    // (batch, in, out, height, width, kernel, dilation, before, after, skip channels): the network's layer kinds at
    // widths with a ragged tail (56 = 48 + 8, 83), channel counts off the block of 8, the 16 → 32 stage change with
    // its centred skip, and a 1×1 head.
    private static readonly object[] Cases =
    [
        new object[] { 2, 16, 32, 9, 83, 3, 2, true, true, 0 },
        new object[] { 1, 32, 32, 40, 56, 3, 2, false, false, 16 },
        new object[] { 2, 5, 13, 11, 21, 3, 4, true, false, 13 },
        new object[] { 1, 64, 80, 6, 37, 1, 1, false, true, 0 },
        new object[] { 1, 1, 16, 12, 50, 3, 1, false, true, 0 },
    ];

    [TestCaseSource(nameof(Cases))]
    public void EqualsTheSeparateOperationsBitForBitAndMatchesTheReference(int batch, int inChannels, int outChannels,
        int height, int width, int kernel, int dilation, bool before, bool after, int skipChannels)
    {
        int seed = CpuTestSeed.Next();
        var random = new TensorRandom(seed);
        var input = random.UniformSingle(batch * inChannels * height * width, -2, 2);
        var weights = random.UniformSingle(outChannels * inChannels * kernel * kernel, -0.3f, 0.3f);
        var skip = random.UniformSingle(batch * Math.Max(skipChannels, 1) * height * width);
        var beforeStats = Statistics(random, inChannels);
        var afterStats = Statistics(random, outChannels);
        var xShape = TensorShape.Nchw(batch, inChannels, height, width);
        var yShape = TensorShape.Nchw(batch, outChannels, height, width);
        var wShape = new TensorShape(outChannels, inChannels, kernel, kernel);
        var skipShape = TensorShape.Nchw(batch, Math.Max(skipChannels, 1), height, width);

        float[] Run(IBackend backend, bool fused)
        {
            using var x = Up(backend, xShape, input);
            using var w = Up(backend, wShape, weights);
            using var s = Up(backend, skipShape, skip);
            using var y = backend.Allocate(yShape);
            backend.Fill(y, float.NaN);
            var bn1 = beforeStats.Select(v => Up(backend, TensorShape.Vector(inChannels), v)).ToArray();
            var bn2 = afterStats.Select(v => Up(backend, TensorShape.Vector(outChannels), v)).ToArray();
            try
            {
                var first = before ? new InferenceBatchNorm(bn1[0], bn1[1], bn1[2], bn1[3], 1e-5f, Relu: true) : null;
                var second = after ? new InferenceBatchNorm(bn2[0], bn2[1], bn2[2], bn2[3], 1e-5f, Relu: kernel == 3) : null;
                var residual = skipChannels > 0 ? s : null;
                if (fused) backend.ConvolutionInferenceForward(x, first, w, dilation, second, residual, y);
                else ConvolutionInferenceComposition.Run(backend, x, first, w, dilation, second, residual, y);
                return Down(y);
            }
            finally
            {
                foreach (var t in bn1.Concat(bn2)) t.Dispose();
            }
        }

        // Bit-for-bit equality with the separate operations is the direct path's property (Winograd: CpuWinogradTests).
        using var cpu = new CpuBackend(convolution: CpuConvolutionAlgorithm.Direct);
        using var reference = new ReferenceBackend();
        var fusedResult = Run(cpu, fused: true);
        var separate = Run(cpu, fused: false);
        string name = $"{kernel}×{kernel} d{dilation} {inChannels}→{outChannels} {batch}×{height}×{width}" +
            $"{(before ? " +bn/relu in" : "")}{(after ? " +bn out" : "")}{(skipChannels > 0 ? $" +skip {skipChannels}" : "")}";
        Assert.That(fusedResult, Is.EqualTo(separate).AsCollection, $"fused ≠ separate cpu operations for {name} {CpuTestSeed.Replay(seed)}");

        double error = ErrorMeasures.RelativeError(fusedResult, Run(reference, fused: true));
        ErrorReport.Record($"cpu/ConvolutionInferenceForward {name}", error);
        Assert.That(error, Is.LessThanOrEqualTo(Tolerances.Float32Operation), $"{name}: relative error against the reference {CpuTestSeed.Replay(seed)}");
    }

    [Test]
    public void ReferenceFusedEqualsItsOwnSeparateOperations()
    {
        // Reference tensors hold float64, so the fused path and the separate operations do the same float64
        // arithmetic stage by stage and agree to the last bits of a double.
        var random = new TensorRandom(CpuTestSeed.Next());
        using var reference = new ReferenceBackend();
        var xShape = TensorShape.Nchw(2, 6, 9, 13);
        using var x = Up(reference, xShape, random.UniformSingle(xShape.Length, -2, 2));
        using var w = Up(reference, new TensorShape(8, 6, 3, 3), random.UniformSingle(8 * 6 * 9));
        using var s = Up(reference, TensorShape.Nchw(2, 4, 9, 13), random.UniformSingle(2 * 4 * 9 * 13));
        var bn1 = Statistics(random, 6).Select(v => Up(reference, TensorShape.Vector(6), v)).ToArray();
        var bn2 = Statistics(random, 8).Select(v => Up(reference, TensorShape.Vector(8), v)).ToArray();
        var first = new InferenceBatchNorm(bn1[0], bn1[1], bn1[2], bn1[3], 1e-5f, Relu: true);
        var second = new InferenceBatchNorm(bn2[0], bn2[1], bn2[2], bn2[3], 1e-5f, Relu: true);
        using var fused = reference.Allocate(TensorShape.Nchw(2, 8, 9, 13));
        using var separate = reference.Allocate(TensorShape.Nchw(2, 8, 9, 13));
        reference.ConvolutionInferenceForward(x, first, w, 4, second, s, fused);
        ConvolutionInferenceComposition.Run(reference, x, first, w, 4, second, s, separate);
        Assert.That(ErrorMeasures.RelativeError(reference.Data(fused), reference.Data(separate)), Is.LessThan(1e-14));
        foreach (var t in bn1.Concat(bn2)) t.Dispose();
    }

    [Test]
    public void RejectsCallsThatDoNotFitNamingTheOperation()
    {
        using var cpu = new CpuBackend(2);
        using var x = cpu.Allocate(TensorShape.Nchw(1, 4, 8, 8));
        using var w = cpu.Allocate(new TensorShape(6, 4, 3, 3));
        using var y = cpu.Allocate(TensorShape.Nchw(1, 6, 8, 8));
        using var same = cpu.Allocate(new TensorShape(4, 4, 3, 3));
        using var wide = cpu.Allocate(TensorShape.Nchw(1, 8, 8, 8));
        using var c4 = cpu.Allocate(TensorShape.Vector(4));
        using var c6 = cpu.Allocate(TensorShape.Vector(6));
        cpu.Fill(c4, 1);
        cpu.Fill(c6, 1);
        var bn4 = new InferenceBatchNorm(c4, c4, c4, c4, 1e-5f, true);
        var bn6 = new InferenceBatchNorm(c6, c6, c6, c6, 1e-5f, true);

        void Rejects(TestDelegate call, string fragment)
        {
            var error = Assert.Throws<ShapeException>(call)!;
            Assert.That(error.Operation, Is.EqualTo("ConvolutionInferenceForward"));
            Assert.That(error.Message, Does.Contain(fragment));
        }

        Rejects(() => cpu.ConvolutionInferenceForward(x, bn6, w, 2, null, null, y), "[4]");
        Rejects(() => cpu.ConvolutionInferenceForward(x, null, w, 2, bn4, null, y), "[6]");
        Rejects(() => cpu.ConvolutionInferenceForward(x, null, w, 2, null, wide, y), "skip");
        Rejects(() => cpu.ConvolutionInferenceForward(x, null, w, 3, null, null, y), "dilation 3");
        Rejects(() => cpu.ConvolutionInferenceForward(x, null, same, 1, null, null, x), "output must not be the input");
        Rejects(() => cpu.ConvolutionInferenceForward(x, null, w, 1, null, y, y), "residual must not be the output");
        Rejects(() => cpu.ConvolutionInferenceForward(x, bn4 with { Epsilon = 0 }, w, 1, null, null, y), "epsilon");
    }

    /// <summary>γ, β, running mean, running variance (positive).</summary>
    private static float[][] Statistics(TensorRandom random, int channels) =>
    [
        random.UniformSingle(channels, 0.5f, 1.5f),
        random.UniformSingle(channels, -0.5f, 0.5f),
        random.UniformSingle(channels, -1f, 1f),
        random.UniformSingle(channels, 0.2f, 2f),
    ];
}
