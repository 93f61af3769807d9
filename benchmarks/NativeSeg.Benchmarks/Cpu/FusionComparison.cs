using System.Diagnostics;
using System.Globalization;
using NativeSeg.Benchmarks.Onnx;
using NativeSeg.Engine;
using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Benchmarks.Cpu;

/// <summary>
/// <c>fusion-compare [--rounds N]</c>: one inference residual block (BN → ReLU → conv → BN → ReLU → conv → + skip,
/// 296×216, batch 1) at each stage width, run as the seven separate operations and as the two fused calls the network
/// makes, alternated call by call for N rounds. On a shared machine whose speed drifts from minute to minute,
/// alternating keeps the drift out of the comparison that BenchmarkDotNet's one-case-after-another runs let in; the
/// best time of each is the figure of merit, the median is printed beside it.
/// </summary>
public static class FusionComparison
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "fusion-compare") return false;
        int rounds = args.Length >= 3 && args[1] == "--rounds" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        using var backend = new CpuBackend();
        Console.WriteLine($"fusion-compare: {backend.Description}; {rounds} alternated rounds of 2 calls each");
        Console.WriteLine($"FMA peak measured now: {FmaPeak.MeasureGflops(backend.Threads):F0} GFLOP/s");
        Console.WriteLine("block            separate best / median    fused best / median    fused / separate (best)");
        foreach (var (channels, dilation) in new[] { (16, 1), (32, 2), (64, 4) })
            Compare(backend, channels, dilation, rounds);
        return true;
    }

    private static void Compare(CpuBackend backend, int channels, int dilation, int rounds)
    {
        var random = new Random(20261127);
        var activation = TensorShape.Nchw(1, channels, 216, 296);
        var kernel = new TensorShape(channels, channels, 3, 3);
        var tensors = new List<Tensor>();
        Tensor Make(TensorShape shape, float scale, float offset = 0)
        {
            var values = new float[shape.Length];
            for (int k = 0; k < values.Length; k++) values[k] = offset + scale * (float)(2 * random.NextDouble() - 1);
            var tensor = backend.Allocate(shape);
            backend.Upload(values, tensor);
            tensors.Add(tensor);
            return tensor;
        }
        InferenceBatchNorm Norm() => new(Make(TensorShape.Vector(channels), 0.5f, 1), Make(TensorShape.Vector(channels), 0.5f),
            Make(TensorShape.Vector(channels), 0.5f), Make(TensorShape.Vector(channels), 0.5f, 1), 1e-5f, Relu: true);

        var x = Make(activation, 1);
        var w1 = Make(kernel, 0.1f);
        var w2 = Make(kernel, 0.1f);
        var (bn1, bn2) = (Norm(), Norm());
        var activated = Make(activation, 0);
        var convolved = Make(activation, 0);
        var y = Make(activation, 0);

        void Separate()
        {
            backend.BatchNormInferenceForward(x, bn1.Gamma, bn1.Beta, bn1.RunningMean, bn1.RunningVariance, bn1.Epsilon, activated);
            backend.ReluForward(activated, activated);
            backend.ConvolutionForward(activated, w1, dilation, convolved);
            backend.BatchNormInferenceForward(convolved, bn2.Gamma, bn2.Beta, bn2.RunningMean, bn2.RunningVariance, bn2.Epsilon, activated);
            backend.ReluForward(activated, activated);
            backend.ConvolutionForward(activated, w2, dilation, y);
            backend.ResidualAddForward(y, x, y);
        }
        void Fused()
        {
            backend.ConvolutionInferenceForward(x, bn1, w1, dilation, bn2, residual: null, activated);
            backend.ConvolutionInferenceForward(activated, before: null, w2, dilation, after: null, residual: x, y);
        }

        Separate();
        Fused();
        var separate = new List<double>();
        var fused = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            for (int call = 0; call < 2; call++)
            {
                separate.Add(Time(Separate));
                fused.Add(Time(Fused));
            }
        }
        separate.Sort();
        fused.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{channels,2}ch d{dilation}          {separate[0] * 1e3,7:F2} / {separate[separate.Count / 2] * 1e3,7:F2} ms    {fused[0] * 1e3,7:F2} / {fused[fused.Count / 2] * 1e3,7:F2} ms    {fused[0] / separate[0],5:F2}"));
        foreach (var tensor in tensors) tensor.Dispose();
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
