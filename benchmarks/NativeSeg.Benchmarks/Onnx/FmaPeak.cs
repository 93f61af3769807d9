using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// Measures the machine's float32 fused-multiply-add peak: each thread keeps twelve independent vector accumulators
/// (enough to cover the FMA latency of about 4 cycles on two ports) and runs a long chain of FMAs that never touches
/// memory. Each FMA on a 16-lane Vector512 counts 32 FLOP. Reported as the best of a few rounds, all threads together.
/// </summary>
public static class FmaPeak
{
    public static double MeasureGflops(int threads, double secondsPerRound = 0.3, int rounds = 3)
    {
        double best = 0;
        for (int round = 0; round < rounds; round++)
        {
            long iterations = Calibrate(secondsPerRound);
            var stopwatch = Stopwatch.StartNew();
            var sinks = new float[threads];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sinks[t] = Chain(iterations));
            double seconds = stopwatch.Elapsed.TotalSeconds;
            if (sinks.Any(float.IsNaN)) throw new InvalidOperationException("FMA chain produced NaN.");
            best = Math.Max(best, threads * iterations * FlopPerIteration / seconds / 1e9);
        }
        return best;
    }

    private static int Lanes => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;

    /// <summary>Twelve accumulators × one FMA (2 FLOP per lane) per iteration.</summary>
    private static double FlopPerIteration => 12.0 * 2 * Lanes;

    private static long Calibrate(double seconds)
    {
        long iterations = 1 << 20;
        while (true)
        {
            var stopwatch = Stopwatch.StartNew();
            Chain(iterations);
            double elapsed = stopwatch.Elapsed.TotalSeconds;
            if (elapsed > seconds / 4) return (long)(iterations * seconds / elapsed);
            iterations *= 4;
        }
    }

    private static float Chain(long iterations) => Vector512.IsHardwareAccelerated ? Chain512(iterations) : Chain256(iterations);

    // a·x + b with a slightly below 1 and b small keeps every accumulator bounded, so no denormals or infinities
    // slow the loop down.
    private static float Chain512(long iterations)
    {
        var a = Vector512.Create(0.999f);
        var b = Vector512.Create(0.001f);
        Vector512<float> x0 = Vector512.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0,
            x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        for (long i = 0; i < iterations; i++)
        {
            x0 = Vector512.FusedMultiplyAdd(x0, a, b); x1 = Vector512.FusedMultiplyAdd(x1, a, b);
            x2 = Vector512.FusedMultiplyAdd(x2, a, b); x3 = Vector512.FusedMultiplyAdd(x3, a, b);
            x4 = Vector512.FusedMultiplyAdd(x4, a, b); x5 = Vector512.FusedMultiplyAdd(x5, a, b);
            x6 = Vector512.FusedMultiplyAdd(x6, a, b); x7 = Vector512.FusedMultiplyAdd(x7, a, b);
            x8 = Vector512.FusedMultiplyAdd(x8, a, b); x9 = Vector512.FusedMultiplyAdd(x9, a, b);
            x10 = Vector512.FusedMultiplyAdd(x10, a, b); x11 = Vector512.FusedMultiplyAdd(x11, a, b);
        }
        return Vector512.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    private static float Chain256(long iterations)
    {
        var a = Vector256.Create(0.999f);
        var b = Vector256.Create(0.001f);
        Vector256<float> x0 = Vector256.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0,
            x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        for (long i = 0; i < iterations; i++)
        {
            x0 = Vector256.FusedMultiplyAdd(x0, a, b); x1 = Vector256.FusedMultiplyAdd(x1, a, b);
            x2 = Vector256.FusedMultiplyAdd(x2, a, b); x3 = Vector256.FusedMultiplyAdd(x3, a, b);
            x4 = Vector256.FusedMultiplyAdd(x4, a, b); x5 = Vector256.FusedMultiplyAdd(x5, a, b);
            x6 = Vector256.FusedMultiplyAdd(x6, a, b); x7 = Vector256.FusedMultiplyAdd(x7, a, b);
            x8 = Vector256.FusedMultiplyAdd(x8, a, b); x9 = Vector256.FusedMultiplyAdd(x9, a, b);
            x10 = Vector256.FusedMultiplyAdd(x10, a, b); x11 = Vector256.FusedMultiplyAdd(x11, a, b);
        }
        return Vector256.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }
}
