using NativeSeg.Engine.Cpu;
using NativeSeg.Model.Export;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// <c>onnx-parity [--batch 2] [--threads 2] [--save model.onnx]</c>: exports the benchmark network, runs ONNX Runtime and NativeSeg's cpu
/// backend on the same random batch of 216×296 slices and prints how far the probabilities differ.
/// Exit code 1 when the maximum absolute difference exceeds <see cref="Tolerance"/>.
/// </summary>
public static class OnnxParity
{
    /// <summary>
    /// fp32 tolerance on probabilities: 21 convolutions summed in a different order by two engines give logits that
    /// agree to a few ulps of their magnitude (~1e-6 relative), which a softmax turns into ≲1e-5 absolute.
    /// </summary>
    public const double Tolerance = 1e-4;

    public static int Run(OnnxOptions options)
    {
        const int height = BenchmarkNetwork.Height, width = BenchmarkNetwork.Width;
        int batch = options.Batch;
        using var backend = new CpuBackend(options.Threads);
        using var network = BenchmarkNetwork.Create(backend, seed: 2024);
        int classes = network.Configuration.Classes;
        byte[] model = OnnxExporter.ToBytes(network);
        if (options.SavePath is { } savePath)
            OnnxExporter.Export(network, savePath);
        Console.WriteLine($"onnx-parity: HighResNet2D exported, {model.Length / 1024.0 / 1024.0:F2} MiB; ONNX Runtime {OnnxRuntimeRunner.Version}; batch {batch} of {height}×{width}");

        var input = BenchmarkNetwork.RandomSlices(batch, seed: 77);
        var native = new float[batch * classes * height * width];
        var onnx = new float[native.Length];
        Array.Fill(onnx, float.NaN);
        BenchmarkNetwork.Infer(network, input, batch, native);
        using (var runner = new OnnxRuntimeRunner(model, input, onnx, batch, 1, classes, height, width, options.Threads))
            runner.Run();

        double maxAbs = 0, maxRelative = 0, squaredDifference = 0, squaredNorm = 0;
        long disagreements = 0, uncertain = 0;
        for (int i = 0; i < native.Length; i++)
        {
            double a = native[i], b = onnx[i], d = Math.Abs(a - b);
            if (double.IsNaN(d)) { maxAbs = double.NaN; break; }
            maxAbs = Math.Max(maxAbs, d);
            if (Math.Abs(b) > 1e-3) maxRelative = Math.Max(maxRelative, d / Math.Abs(b));
            squaredDifference += d * d;
            squaredNorm += b * b;
        }
        int plane = height * width;
        for (int s = 0; s < batch; s++)
        for (int i = 0; i < plane; i++)
        {
            float nativeLung = native[(s * classes + 1) * plane + i], onnxLung = onnx[(s * classes + 1) * plane + i];
            if ((nativeLung > 0.5f) != (onnxLung > 0.5f)) disagreements++;
            if (onnxLung is > 0.05f and < 0.95f) uncertain++;
        }
        Console.WriteLine($"  probabilities: max |Δ| = {maxAbs:E3}, max relative Δ (|p| > 1e-3) = {maxRelative:E3}, relative L2 = {Math.Sqrt(squaredDifference / squaredNorm):E3}");
        Console.WriteLine($"  lung p > 0.5 disagrees on {disagreements} of {(long)batch * plane} pixels; {uncertain} pixels have 0.05 < p < 0.95 (the comparison is not saturated)");
        bool pass = maxAbs <= Tolerance;
        Console.WriteLine(pass ? $"  PASS (max |Δ| ≤ {Tolerance:E0})" : $"  FAIL (max |Δ| > {Tolerance:E0})");
        return pass ? 0 : 1;
    }
}
