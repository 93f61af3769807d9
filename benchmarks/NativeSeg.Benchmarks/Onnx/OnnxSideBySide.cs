using System.Diagnostics;
using System.Runtime.Intrinsics;
using NativeSeg.Engine.Cpu;
using NativeSeg.Model.Export;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// <c>onnx-compare [--batch 4] [--reps 5] [--warmup 1] [--threads 2] [--no-torch] [--profile]</c>: HighResNet2D inference of one
/// batch of 216×296 slices (input on the host → probabilities on the host), NativeSeg's cpu backend against ONNX
/// Runtime on the exported model (same thread count, graph optimisation "all"), and PyTorch CPU where installed.
/// NativeSeg and ONNX Runtime alternate repetition by repetition so a change in the machine's load hits both alike.
/// Prints median and best ms per slice, GFLOP/s (convolution FLOP: 34.87 GFLOP per slice) and the share of the FMA
/// peak measured in the same run, and the NativeSeg / ONNX Runtime time ratio.
/// </summary>
public static class OnnxSideBySide
{
    public static int Run(OnnxOptions options)
    {
        const int height = BenchmarkNetwork.Height, width = BenchmarkNetwork.Width;
        int batch = options.Batch;
        using var backend = new CpuBackend(options.Threads);
        using var network = BenchmarkNetwork.Create(backend, seed: 2024);
        int classes = network.Configuration.Classes;
        double flopPerSlice = BenchmarkNetwork.ForwardFlopPerSlice(network);
        byte[] model = OnnxExporter.ToBytes(network);

        Console.WriteLine($"onnx-compare: HighResNet2D inference, batch {batch} of {height}×{width}, {options.Threads} threads, " +
                          $"{options.Repetitions} repetitions after {options.Warmup} warm-up, {flopPerSlice / 1e9:F2} GFLOP per slice");
        Console.WriteLine($"machine: {backend.Description}; {Environment.ProcessorCount} logical processors; load average {LoadAverage()}");
        double peak = FmaPeak.MeasureGflops(options.Threads);
        Console.WriteLine($"FMA peak measured now: {peak:F0} GFLOP/s ({options.Threads} threads, {(Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256")} FMA chains)");

        var input = BenchmarkNetwork.RandomSlices(batch, seed: 77);
        var nativeOutput = new float[batch * classes * height * width];
        var onnxOutput = new float[nativeOutput.Length];
        using var runner = new OnnxRuntimeRunner(model, input, onnxOutput, batch, 1, classes, height, width, options.Threads);

        for (int i = 0; i < options.Warmup; i++)
        {
            BenchmarkNetwork.Infer(network, input, batch, nativeOutput);
            runner.Run();
        }
        var nativeSeconds = new List<double>();
        var onnxSeconds = new List<double>();
        for (int i = 0; i < options.Repetitions; i++)
        {
            nativeSeconds.Add(Time(() => BenchmarkNetwork.Infer(network, input, batch, nativeOutput)));
            onnxSeconds.Add(Time(runner.Run));
        }
        double maxDifference = nativeOutput.Zip(onnxOutput, (a, b) => Math.Abs(a - b)).Max();

        Console.WriteLine();
        Console.WriteLine($"{"engine",-28} {"ms/slice median",16} {"best",8} {"GFLOP/s",9} {"% FMA peak",11}");
        Print("NativeSeg cpu", nativeSeconds, batch, flopPerSlice, peak);
        Print($"ONNX Runtime {OnnxRuntimeRunner.Version}", onnxSeconds, batch, flopPerSlice, peak);
        if (options.Torch)
        {
            var torch = TorchCpuReference.TryRun(options, out string reason);
            if (torch is null)
                Console.WriteLine($"{"PyTorch CPU",-28} skipped: {reason}");
            else
                Print($"PyTorch {torch.Version} CPU ({torch.Threads} thr)", torch.Seconds, batch, flopPerSlice, peak);
        }
        double ratio = Median(nativeSeconds) / Median(onnxSeconds);
        Console.WriteLine();
        Console.WriteLine($"NativeSeg / ONNX Runtime time (medians): {ratio:F2} — NativeSeg is " +
                          (ratio <= 1 ? $"{(1 / ratio - 1) * 100:F0}% faster" : $"{(ratio - 1) * 100:F0}% slower") +
                          $"; best-of ratio {nativeSeconds.Min() / onnxSeconds.Min():F2}");
        Console.WriteLine($"probabilities agree to max |Δ| = {maxDifference:E2}; load average at the end {LoadAverage()}");
        if (options.Profile)
        {
            PrintProfile(options, input, flopPerSlice);
            PrintOnnxRuntimeProfile(options, model, input, classes);
        }
        return 0;
    }

    /// <summary>One more NativeSeg pass per repetition through <see cref="OperationTimingBackend"/>: where the time goes.</summary>
    private static void PrintProfile(OnnxOptions options, float[] input, double flopPerSlice)
    {
        int batch = options.Batch;
        using var timing = new OperationTimingBackend(new CpuBackend(options.Threads));
        using var network = BenchmarkNetwork.Create(timing, seed: 2024);
        var output = new float[batch * network.Configuration.Classes * BenchmarkNetwork.Height * BenchmarkNetwork.Width];
        BenchmarkNetwork.Infer(network, input, batch, output);
        timing.Reset();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < options.Repetitions; i++)
            BenchmarkNetwork.Infer(network, input, batch, output);
        double all = total.Elapsed.TotalSeconds;
        double perSlice = 1e3 / (options.Repetitions * batch);
        Console.WriteLine();
        Console.WriteLine($"NativeSeg cpu per operation (mean of {options.Repetitions} passes, ms per slice; total {all * perSlice:F1} ms/slice):");
        foreach (var (key, (seconds, calls)) in timing.Totals.OrderByDescending(p => p.Value.Seconds))
            Console.WriteLine($"  {key,-46} {seconds * perSlice,8:F1} ms  {seconds / all * 100,5:F1}%  ({calls / options.Repetitions} calls per pass)");
        double convolution = timing.Totals.Where(p => p.Key.Contains("conv", StringComparison.OrdinalIgnoreCase)).Sum(p => p.Value.Seconds);
        Console.WriteLine($"  convolutions alone: {convolution * perSlice:F1} ms/slice = {flopPerSlice / (convolution * perSlice / 1e3) / 1e9:F0} GFLOP/s; " +
                          $"everything else {(all - convolution) / all * 100:F0}% of the time");
    }

    private static void PrintOnnxRuntimeProfile(OnnxOptions options, byte[] model, float[] input, int classes)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"nativeseg-ort-profile-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            var output = new float[options.Batch * classes * BenchmarkNetwork.Height * BenchmarkNetwork.Width];
            using var runner = new OnnxRuntimeRunner(model, input, output, options.Batch, 1, classes, BenchmarkNetwork.Height, BenchmarkNetwork.Width,
                options.Threads, Path.Combine(folder, "ort"));
            for (int i = 0; i < options.Repetitions; i++)
                runner.Run();
            OnnxRuntimeProfile.Print(runner.EndProfiling(), options.Repetitions, options.Batch);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static void Print(string engine, IReadOnlyList<double> seconds, int batch, double flopPerSlice, double peak)
    {
        double median = Median(seconds) / batch, best = seconds.Min() / batch;
        double gflops = flopPerSlice / median / 1e9;
        Console.WriteLine($"{engine,-28} {median * 1e3,16:F1} {best * 1e3,8:F1} {gflops,9:F0} {gflops / peak * 100,10:F0}%");
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
