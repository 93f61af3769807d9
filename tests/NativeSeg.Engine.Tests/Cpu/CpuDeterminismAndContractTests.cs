using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

using static NativeSeg.Engine.Tests.Support.TensorTransfer;

namespace NativeSeg.Engine.Tests.Cpu;

/// <summary>
/// The cpu backend's results do not depend on the number of threads (bit for bit), and it rejects bad calls with the
/// shared contract's exceptions.
/// </summary>
[TestFixture]
public sealed class CpuDeterminismAndContractTests
{
    [Test]
    public void ResultsAreBitIdenticalForOneTwoAndThreeThreads()
    {
        int seed = CpuTestSeed.Next();
        float[][] reference = RunEverything(1, seed);
        foreach (int threads in new[] { 2, 3 })
        {
            float[][] other = RunEverything(threads, seed);
            for (int i = 0; i < reference.Length; i++)
                Assert.That(other[i], Is.EqualTo(reference[i]).AsCollection, $"output {i} differs with {threads} threads {CpuTestSeed.Replay(seed)}");
        }
    }

    /// <summary>Every reduction-bearing operation on a shape big enough to split into many work items.</summary>
    private static float[][] RunEverything(int threads, int seed)
    {
        var random = new TensorRandom(seed);
        using var b = new CpuBackend(threads);
        var shape = TensorShape.Nchw(2, 8, 19, 70);
        using var x = Up(b, shape, random.UniformSingle(shape.Length));
        using var w = Up(b, new TensorShape(8, 8, 3, 3), random.UniformSingle(8 * 8 * 9));
        using var dy = Up(b, shape, random.UniformSingle(shape.Length));
        using var y = b.Allocate(shape); using var dx = b.Allocate(shape); using var dw = b.Allocate(w.Shape);
        b.ConvolutionForward(x, w, 2, y);
        b.ConvolutionBackwardData(dy, w, 2, dx);
        b.ConvolutionBackwardWeights(x, dy, 2, dw);

        var vector = TensorShape.Vector(8);
        using var gamma = Up(b, vector, random.UniformSingle(8)); using var beta = Up(b, vector, random.UniformSingle(8));
        using var mean = Up(b, vector, new float[8]); using var variance = Up(b, vector, Enumerable.Repeat(1f, 8).ToArray());
        using var bn = b.Allocate(shape); using var savedMean = b.Allocate(vector); using var savedInv = b.Allocate(vector);
        using var bnDx = b.Allocate(shape); using var dGamma = b.Allocate(vector); using var dBeta = b.Allocate(vector);
        b.BatchNormTrainingForward(x, gamma, beta, mean, variance, BatchNormSettings.Default, bn, savedMean, savedInv);
        b.BatchNormBackward(x, dy, gamma, savedMean, savedInv, bnDx, dGamma, dBeta);

        var classes = TensorShape.Nchw(2, 2, 19, 70);
        using var logits = Up(b, classes, random.UniformSingle(classes.Length, -3, 3));
        using var labels = Up(b, classes, TensorRandom.ToSingle(random.OneHot(2, 2, 19, 70)));
        using var p = b.Allocate(classes); using var loss = b.Allocate(TensorShape.Vector(2)); using var dz = b.Allocate(classes);
        b.SoftmaxForward(logits, p);
        b.DiceNsLossForward(p, labels, 1e-5f, loss);
        b.DiceNsLossBackward(p, labels, 1e-5f, dz);
        float sumOfSquares = (float)b.SumOfSquares(x);
        return [Down(y), Down(dx), Down(dw), Down(bn), Down(savedMean), Down(savedInv), Down(bnDx), Down(dGamma), Down(dBeta),
            Down(p), Down(loss), Down(dz), [sumOfSquares]];
    }

    [Test]
    public void RejectsMismatchedShapesAndForeignTensors()
    {
        using var cpu = new CpuBackend(2);
        using var reference = new ReferenceBackend();
        using var x = cpu.Allocate(TensorShape.Nchw(1, 3, 8, 8));
        using var w = cpu.Allocate(new TensorShape(4, 5, 3, 3));
        using var y = cpu.Allocate(TensorShape.Nchw(1, 4, 8, 8));
        var error = Assert.Throws<ShapeException>(() => cpu.ConvolutionForward(x, w, 2, y))!;
        Assert.That(error.Operation, Is.EqualTo("ConvolutionForward"));
        using var foreign = reference.Allocate(TensorShape.Nchw(1, 3, 8, 8));
        Assert.Throws<ShapeException>(() => cpu.ReluForward(foreign, x));
        Assert.Throws<ShapeException>(() => cpu.Upload(new float[5], x));
        Assert.That(cpu.Name, Is.EqualTo("cpu"));
        using (var threeThreads = new CpuBackend(3)) Assert.That(threeThreads.Threads, Is.EqualTo(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CpuBackend(0));
    }
}
