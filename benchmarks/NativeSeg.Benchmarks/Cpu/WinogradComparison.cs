using System.Diagnostics;
using System.Globalization;
using NativeSeg.Benchmarks.Onnx;
using NativeSeg.Engine;
using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Benchmarks.Cpu;

/// <summary>
/// <c>winograd-compare [--rounds N] [--batch B]</c>: each HighResNet2D 3×3 layer shape (216×296) as the fused inference
/// convolution (input BN + ReLU, output BN + ReLU) on the direct path and on the Winograd path, alternated call by call
/// for N rounds so that the shared machine's drift hits both alike. GFLOP/s counts the direct convolution's FLOPs
/// (2·N·Cout·Cin·9·H·W) for both, so the Winograd figure is an "effective" rate; its own multiply count is about a
/// quarter. Prints the same run's FMA peak first.
/// </summary>
public static class WinogradComparison
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "winograd-compare") return false;
        int rounds = ConsoleArguments.Integer(args, "--rounds", 10), batch = ConsoleArguments.Integer(args, "--batch", 1);
        using var direct = new CpuBackend(convolution: CpuConvolutionAlgorithm.Direct);
        using var winograd = new CpuBackend(convolution: CpuConvolutionAlgorithm.Winograd);
        Console.WriteLine($"winograd-compare: {direct.Description}; batch {batch}, 216×296, {rounds} alternated rounds of 2 calls each");
        Console.WriteLine($"FMA peak measured now: {FmaPeak.MeasureGflops(direct.Threads):F0} GFLOP/s");
        Console.WriteLine("layer             direct best / median (GFLOP/s best)    winograd best / median (GFLOP/s best, direct FLOPs)    winograd / direct (best; median)");
        foreach (var (inC, outC, dilation) in new[] { (1, 16, 1), (16, 16, 1), (16, 32, 2), (32, 32, 2), (32, 64, 4), (64, 64, 4) })
            Compare(direct, winograd, batch, inC, outC, dilation, rounds);
        return true;
    }


    private static void Compare(CpuBackend direct, CpuBackend winograd, int batch, int inC, int outC, int dilation, int rounds)
    {
        var random = new Random(20261204);
        float[] Values(int length, float scale, float offset = 0)
        {
            var values = new float[length];
            for (int k = 0; k < values.Length; k++) values[k] = offset + scale * (float)(2 * random.NextDouble() - 1);
            return values;
        }
        var input = Values(batch * inC * 216 * 296, 1);
        var weights = Values(outC * inC * 9, 0.1f);
        float[][] Norm(int c) => [Values(c, 0.5f, 1), Values(c, 0.5f), Values(c, 0.5f), Values(c, 0.5f, 1)];
        var (bn1, bn2) = (Norm(inC), Norm(outC));

        Action Prepare(CpuBackend backend, List<Tensor> owned)
        {
            Tensor Up(TensorShape shape, float[] values)
            {
                var t = backend.Allocate(shape);
                backend.Upload(values, t);
                owned.Add(t);
                return t;
            }
            InferenceBatchNorm Stage(float[][] v, int c) => new(Up(TensorShape.Vector(c), v[0]), Up(TensorShape.Vector(c), v[1]),
                Up(TensorShape.Vector(c), v[2]), Up(TensorShape.Vector(c), v[3]), 1e-5f, Relu: true);
            var x = Up(TensorShape.Nchw(batch, inC, 216, 296), input);
            var w = Up(new TensorShape(outC, inC, 3, 3), weights);
            var y = Up(TensorShape.Nchw(batch, outC, 216, 296), new float[batch * outC * 216 * 296]);
            var (before, after) = (inC > 1 ? Stage(bn1, inC) : null, Stage(bn2, outC));
            return () => backend.ConvolutionInferenceForward(x, before, w, dilation, after, residual: null, y);
        }

        var owned = new List<Tensor>();
        var runDirect = Prepare(direct, owned);
        var runWinograd = Prepare(winograd, owned);
        runDirect();
        runWinograd();
        var directTimes = new List<double>();
        var winogradTimes = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            for (int call = 0; call < 2; call++)
            {
                directTimes.Add(Time(runDirect));
                winogradTimes.Add(Time(runWinograd));
            }
        }
        directTimes.Sort();
        winogradTimes.Sort();
        double flop = 2.0 * batch * outC * inC * 9 * 216 * 296;
        double dBest = directTimes[0], dMedian = directTimes[directTimes.Count / 2];
        double wBest = winogradTimes[0], wMedian = winogradTimes[winogradTimes.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{inC,2}→{outC,-2} d{dilation}        {dBest * 1e3,7:F2} / {dMedian * 1e3,7:F2} ms ({flop / dBest / 1e9,5:F0})          " +
            $"{wBest * 1e3,7:F2} / {wMedian * 1e3,7:F2} ms ({flop / wBest / 1e9,5:F0})                           {wBest / dBest,5:F2}; {wMedian / dMedian,5:F2}"));
        foreach (var tensor in owned) tensor.Dispose();
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
