using NativeSeg.Engine.Ilgpu;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Tests.Ilgpu;

/// <summary>
/// Every reduction of the ILGPU backend is a fixed-order two-stage sum, so running it twice must give the same
/// bits. (Float atomics, as in ILGPU.Algorithms' reductions, would make the last bits vary with thread timing.)
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class IlgpuDeterminismTests
{
    [Test]
    public void ReductionsRepeatBitForBit()
    {
        using var backend = IlgpuBackend.CreateCpuSimulator();
        var first = RunReductions(backend);
        var second = RunReductions(backend);
        Assert.That(second.Keys, Is.EquivalentTo(first.Keys));
        foreach (var (name, values) in first)
        {
            var again = second[name];
            Assert.That(again, Has.Length.EqualTo(values.Length), name);
            for (int k = 0; k < values.Length; k++)
            {
                if (BitConverter.SingleToInt32Bits(values[k]) != BitConverter.SingleToInt32Bits(again[k]))
                    Assert.Fail($"{name}[{k}]: {values[k]:R} then {again[k]:R}");
            }
        }
    }

    private static Dictionary<string, float[]> RunReductions(IlgpuBackend b)
    {
        var random = new Random(42);
        var results = new Dictionary<string, float[]>();
        Tensor Upload(TensorShape shape, float low = -1f, float high = 1f)
        {
            var t = b.Allocate(shape);
            b.Upload(IlgpuTestHarness.Values(shape.Length, random, low, high), t);
            return t;
        }
        Tensor Output(TensorShape shape)
        {
            var t = b.Allocate(shape);
            b.Fill(t, float.NaN);
            return t;
        }
        void Keep(string name, Tensor t)
        {
            var values = new float[t.Length];
            b.Download(t, values);
            results[name] = values;
        }

        // Every reduction below spans more than 1024 terms per segment, so it has at least two slices.
        // Convolution weight gradient and batch norm: 2·24·24 = 1152 terms per weight or channel.
        var x = Upload(TensorShape.Nchw(2, 3, 24, 24));
        var dy = Upload(TensorShape.Nchw(2, 2, 24, 24));
        var dw = Output(new TensorShape(2, 3, 3, 3));
        b.ConvolutionBackwardWeights(x, dy, 4, dw);
        Keep("ConvolutionBackwardWeights", dw);

        var c = TensorShape.Vector(3);
        var gamma = Upload(c, 0.5f, 1.5f);
        var beta = Upload(c);
        var runMean = Upload(c);
        var runVar = Upload(c, 0.5f, 1.5f);
        var y = Output(x.Shape);
        var mean = Output(c);
        var invStd = Output(c);
        b.BatchNormTrainingForward(x, gamma, beta, runMean, runVar, BatchNormSettings.Default, y, mean, invStd);
        Keep("BatchNorm mean", mean);
        Keep("BatchNorm inverseStd", invStd);
        Keep("BatchNorm output", y);

        var dyBn = Upload(x.Shape);
        var dx = Output(x.Shape);
        var dGamma = Output(c);
        var dBeta = Output(c);
        b.BatchNormBackward(x, dyBn, gamma, mean, invStd, dx, dGamma, dBeta);
        Keep("BatchNormBackward gradGamma", dGamma);
        Keep("BatchNormBackward gradBeta", dBeta);
        Keep("BatchNormBackward gradInput", dx);

        // Dice: 33·33 = 1089 pixels per (slice, class).
        var logits = Upload(TensorShape.Nchw(2, 2, 33, 33), -3f, 3f);
        var p = Output(logits.Shape);
        b.SoftmaxForward(logits, p);
        var labels = b.Allocate(logits.Shape);
        var oneHot = new float[logits.Length];
        for (int n = 0; n < 2; n++)
        for (int i = 0; i < 1089; i++)
            oneHot[(n * 2 + (i % 7 < 3 ? 1 : 0)) * 1089 + i] = 1f;
        b.Upload(oneHot, labels);
        var loss = Output(TensorShape.Vector(2));
        b.DiceNsLossForward(p, labels, 1e-5f, loss);
        Keep("DiceNsLossForward", loss);
        var gradLogits = Output(logits.Shape);
        b.DiceNsLossBackward(p, labels, 1e-5f, gradLogits);
        Keep("DiceNsLossBackward", gradLogits);

        double sumOfSquares = b.SumOfSquares(x);
        results["SumOfSquares"] = [BitConverter.Int32BitsToSingle((int)BitConverter.DoubleToInt64Bits(sumOfSquares)),
            BitConverter.Int32BitsToSingle((int)(BitConverter.DoubleToInt64Bits(sumOfSquares) >> 32))];
        return results;
    }
}
