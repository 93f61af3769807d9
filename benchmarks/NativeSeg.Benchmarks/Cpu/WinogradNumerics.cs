using System.Globalization;
using NativeSeg.Benchmarks.Onnx;
using NativeSeg.Engine;
using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Validation;
using NativeSeg.Model.Network;

namespace NativeSeg.Benchmarks.Cpu;

/// <summary>
/// <c>winograd-numerics [--height H --width W]</c>: the float32 error of the cpu backend's Winograd F(4×4, 3×3) and
/// direct paths against the float64 reference backend, (1) per HighResNet2D 3×3 layer shape as the fused inference
/// convolution (input BN + ReLU, output BN + ReLU, He-scaled random kernels, unit-scale random input), and (2) for
/// the whole network (<see cref="BenchmarkNetwork"/>'s seeded network, one random slice): logits, probabilities and
/// the p &gt; 0.5 decisions. Error = max(relative L2, max-abs / max|reference|) as in <see cref="ErrorMeasures"/>.
/// Default size 104×144 (about a quarter of a slice; the network needs multiples of 8) so that the float64 reference takes seconds, not minutes.
/// </summary>
public static class WinogradNumerics
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "winograd-numerics") return false;
        int height = ConsoleArguments.Integer(args, "--height", 104), width = ConsoleArguments.Integer(args, "--width", 144);
        using var reference = new ReferenceBackend();
        using var direct = new CpuBackend(convolution: CpuConvolutionAlgorithm.Direct);
        using var winograd = new CpuBackend(convolution: CpuConvolutionAlgorithm.Winograd);
        using var auto = new CpuBackend(convolution: CpuConvolutionAlgorithm.Auto);
        Console.WriteLine($"winograd-numerics: {direct.Description}; {height}×{width}");
        Console.WriteLine("per layer (fused BN+ReLU → conv → BN+ReLU, batch 2)      direct vs float64    winograd vs float64");
        foreach (var (inC, outC, dilation) in new[] { (1, 16, 1), (16, 16, 1), (16, 32, 2), (32, 32, 2), (32, 64, 4), (64, 64, 4) })
        {
            var layer = Layer(inC, outC, height, width, seed: 1000 + inC * 7 + outC);
            var exact = layer(reference, dilation);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  3×3 d{dilation} {inC,2}→{outC,-2}                                          {ErrorMeasures.RelativeError(layer(direct, dilation), exact),10:E2}          {ErrorMeasures.RelativeError(layer(winograd, dilation), exact),10:E2}"));
        }

        Console.WriteLine("whole network (seeded BenchmarkNetwork, 1 random slice)    logits error   probabilities max |Δ|   decisions differing");
        using var source = BenchmarkNetwork.Create(direct, 20261127);
        var tensors = source.ExportTensors();
        var input = new float[height * width];
        var random = new Random(7);
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 1.3);
        var (exactLogits, exactProbabilities) = Network(reference, tensors, input, height, width);
        foreach (var (name, backend) in new (string, IBackend)[] { ("direct", direct), ("auto", auto), ("winograd (every 3×3)", winograd) })
        {
            var (logits, probabilities) = Network(backend, tensors, input, height, width);
            double maxDelta = 0;
            int differing = 0;
            int pixels = height * width;
            for (int i = 0; i < probabilities.Length; i++) maxDelta = Math.Max(maxDelta, Math.Abs(probabilities[i] - exactProbabilities[i]));
            for (int i = 0; i < pixels; i++)
                differing += (probabilities[pixels + i] > 0.5f) != (exactProbabilities[pixels + i] > 0.5f) ? 1 : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-22}                                    {ErrorMeasures.RelativeError(logits, exactLogits),10:E2}   {maxDelta,10:E2}              {differing} of {pixels}"));
        }
        return true;
    }


    /// <summary>A layer of random data, runnable on any backend; returns the fused convolution's output.</summary>
    private static Func<IBackend, int, float[]> Layer(int inC, int outC, int height, int width, int seed)
    {
        var random = new Random(seed);
        float[] Values(int length, double low, double high)
        {
            var v = new float[length];
            for (int i = 0; i < v.Length; i++) v[i] = (float)(low + (high - low) * random.NextDouble());
            return v;
        }
        double heScale = Math.Sqrt(6.0 / (inC * 9));
        var x = Values(2 * inC * height * width, -1, 1);
        var w = Values(outC * inC * 9, -heScale, heScale);
        float[][] Norm(int c) => [Values(c, 0.8, 1.2), Values(c, -0.1, 0.1), Values(c, -0.2, 0.2), Values(c, 0.5, 1.5)];
        var (bn1, bn2) = (Norm(inC), Norm(outC));
        return (backend, dilation) =>
        {
            var owned = new List<Tensor>();
            Tensor Up(TensorShape shape, float[] values)
            {
                var t = backend.Allocate(shape);
                backend.Upload(values, t);
                owned.Add(t);
                return t;
            }
            InferenceBatchNorm Stage(float[][] v, int c) => new(Up(TensorShape.Vector(c), v[0]), Up(TensorShape.Vector(c), v[1]),
                Up(TensorShape.Vector(c), v[2]), Up(TensorShape.Vector(c), v[3]), 1e-5f, Relu: true);
            try
            {
                var y = Up(TensorShape.Nchw(2, outC, height, width), new float[2 * outC * height * width]);
                backend.ConvolutionInferenceForward(Up(TensorShape.Nchw(2, inC, height, width), x), inC > 1 ? Stage(bn1, inC) : null,
                    Up(new TensorShape(outC, inC, 3, 3), w), dilation, Stage(bn2, outC), null, y);
                var result = new float[y.Length];
                backend.Download(y, result);
                return result;
            }
            finally
            {
                foreach (var t in owned) t.Dispose();
            }
        };
    }

    private static (float[] Logits, float[] Probabilities) Network(IBackend backend, Dictionary<string, float[]> tensors, float[] input,
        int height, int width)
    {
        using var network = new HighResNet2D(backend, HighResNetConfiguration.Lung);
        network.ImportTensors(tensors);
        var workspace = network.GetWorkspace(1, height, width);
        backend.Upload(input, workspace.Input);
        network.ForwardInference(workspace);
        network.ComputeProbabilities(workspace);
        var logits = new float[workspace.Logits.Length];
        var probabilities = new float[workspace.Probabilities.Length];
        backend.Download(workspace.Logits, logits);
        backend.Download(workspace.Probabilities, probabilities);
        return (logits, probabilities);
    }
}
