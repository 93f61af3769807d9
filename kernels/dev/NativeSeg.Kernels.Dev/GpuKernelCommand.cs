using System.Globalization;
using System.Text;
using NativeSeg.Engine;
using NativeSeg.Engine.Ilgpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Validation;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// <c>nativeseg-gpu bench-kernels</c>: every numbered version of every convolution kernel (the product's and the
/// experiments of <see cref="ExperimentalIlgpuBackend"/>), plus the memory-bound BN, ReLU and residual passes, on the
/// ILGPU backend at HighResNet2D's layer shapes (default: the training batch, 17 slices of 216 rows × 296 columns).
/// llm.c's dev/cuda habit: before a version is timed it must match the float64 reference at a small shape on the
/// same device, and V1 at the full shape, with NaN-poisoned outputs; a version that fails is reported and not
/// timed, and the exit code is 1. Then per kernel: FLOPs, bytes (each input read once, each output written once),
/// median time, GFLOP/s, GB/s, the H100 roofline floor and the gap (time / floor).
/// </summary>
public static class GpuKernelCommand
{
    private sealed record ConvolutionCase(int InChannels, int OutChannels, int Kernel, int Dilation)
    {
        public override string ToString() => $"{InChannels}->{OutChannels} {Kernel}x{Kernel} d{Dilation}";
    }

    /// <summary>
    /// One timed kernel: the operation, the version label, the versions that select it, and the only kernel size it
    /// applies to (0: both). "P2" is the 1×1 GEMM over channels (<see cref="PointwiseVersion.V2"/>); for backward-data
    /// it runs on the flipped, transposed weights.
    /// </summary>
    private sealed record Variant(string Operation, string Version, KernelVersions Versions, ConvolutionOperation Op, int OnlyKernel);

    private enum ConvolutionOperation { Forward, BackwardData, BackwardWeights }

    // HighResNet2D's distinct convolutions: res_1/res_2/res_3 (and conv_0 at 1→16, left out: it is tiny) and the
    // two 1×1 heads.
    private static readonly ConvolutionCase[] Cases =
    [
        new(16, 16, 3, 1), new(32, 32, 3, 2), new(64, 64, 3, 4), new(64, 80, 1, 1), new(80, 2, 1, 1),
    ];

    // ILGPU's CPU simulator runs one OS thread per GPU thread (about 0.3 GFLOP/s): there the mode only proves that
    // it runs end to end, on narrow layers.
    private static readonly ConvolutionCase[] SimulatorCases = [new(8, 8, 3, 2), new(8, 12, 1, 1)];

    private static readonly KernelVersions P = KernelVersions.Product;

    // The last number is the kernel size a variant applies to (0: both). Product = forward V3, 1×1 P2, backward-data
    // V3 (P2 on 1×1), backward-weights V2 (V1 on 1×1): promoted after the first H200 run (2026-12-04). Backward-weights
    // P2 (1×1 GEMM over positions) is new that day and not yet timed on a GPU.
    private static readonly Variant[] Variants =
    [
        new("forward", "V1", P with { Forward = ForwardVersion.V1, Pointwise = PointwiseVersion.V1 }, ConvolutionOperation.Forward, 0),
        new("forward", "V2", P with { Forward = ForwardVersion.V2 }, ConvolutionOperation.Forward, 3),
        new("forward", "V3", P, ConvolutionOperation.Forward, 3),
        new("forward", "V4", P with { Forward = ForwardVersion.V4 }, ConvolutionOperation.Forward, 3),
        new("forward", "P2", P, ConvolutionOperation.Forward, 1),
        new("backward-data", "V1", P with { BackwardData = BackwardDataVersion.V1 }, ConvolutionOperation.BackwardData, 0),
        new("backward-data", "V3", P with { Pointwise = PointwiseVersion.V1 }, ConvolutionOperation.BackwardData, 0),
        new("backward-data", "V4", P with { BackwardData = BackwardDataVersion.V4 }, ConvolutionOperation.BackwardData, 3),
        new("backward-data", "P2", P, ConvolutionOperation.BackwardData, 1),
        new("backward-weights", "V1", P with { BackwardWeights = BackwardWeightsVersion.V1 }, ConvolutionOperation.BackwardWeights, 0),
        new("backward-weights", "V2", P, ConvolutionOperation.BackwardWeights, 3),
        new("backward-weights", "P2", P with { PointwiseWeights = PointwiseWeightsVersion.V2 }, ConvolutionOperation.BackwardWeights, 1),
    ];

    /// <summary>Runs with the given options (see <see cref="GpuKernelOptions"/>); 0 when every version passed, 1 if not, 2 on bad options.</summary>
    public static int Run(string[] args)
    {
        try
        {
            var options = GpuKernelOptions.Parse(args);
            return options.PtxDirectory is { } ptx ? PtxDump.Write(ptx) : Run(options);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"bench-kernels: {e.Message}");
            return 2;
        }
    }

    private static int Run(GpuKernelOptions options)
    {
        using var backend = new ExperimentalIlgpuBackend(
            options.Device == "cuda" ? IlgpuBackend.CreateCuda() : IlgpuBackend.CreateCpuSimulator(), KernelVersions.Product);
        using var reference = new ReferenceBackend();
        Console.WriteLine($"bench-kernels on {backend.Name}: {backend.Description}");
        Console.WriteLine($"shape N={options.Batch} H={options.Height} W={options.Width}; roofline floor = max(FLOP / " +
            $"{Roofline.Fp32FlopsPerSecond / 1e12:F0} TFLOP/s, bytes / {Roofline.BytesPerSecond / 1e12:F1} TB/s) (H100 FP32, measured HBM)");
        var rows = new List<Row>();
        bool allCorrect = true;
        var random = new Random(20261127);
        foreach (var c in options.Device == "cuda" ? Cases : SimulatorCases)
        {
            foreach (var row in RunCase(backend, reference, options, c, random))
            {
                allCorrect &= row.Correct;
                rows.Add(row);
                Print(row);
            }
        }
        foreach (var row in RunElementwise(backend, options, random))
        {
            rows.Add(row);
            Print(row);
        }
        if (options.CsvPath is { } path) WriteCsv(path, rows);
        PrintSummary(rows);
        Console.WriteLine(allCorrect ? "bench-kernels: every version matched the reference before timing"
            : "bench-kernels: SOME VERSIONS FAILED their check (marked FAIL, not timed)");
        return allCorrect ? 0 : 1;
    }

    private sealed record Row(string Kernel, string Version, string Shape, double Flops, double Bytes,
        double SmallError, double FullError, bool Correct, KernelTimer.Timing? Timing)
    {
        public double Floor => Roofline.FloorSeconds(Flops, Bytes);
    }

    /// <summary>Every version of the three operations at one layer shape; the full-shape tensors are made once.</summary>
    private static IEnumerable<Row> RunCase(ExperimentalIlgpuBackend backend, ReferenceBackend reference, GpuKernelOptions o,
        ConvolutionCase c, Random random)
    {
        var inputShape = TensorShape.Nchw(o.Batch, c.InChannels, o.Height, o.Width);
        var outputShape = TensorShape.Nchw(o.Batch, c.OutChannels, o.Height, o.Width);
        var weightShape = new TensorShape(c.OutChannels, c.InChannels, c.Kernel, c.Kernel);
        using var x = Upload(backend, inputShape, random);
        using var w = Upload(backend, weightShape, random);
        using var dy = Upload(backend, outputShape, random);
        double macs = (double)o.Batch * o.Height * o.Width * c.InChannels * c.OutChannels * c.Kernel * c.Kernel;
        double bytes = 4.0 * (inputShape.Length + outputShape.Length + weightShape.Length);
        foreach (var op in new[] { ConvolutionOperation.Forward, ConvolutionOperation.BackwardData, ConvolutionOperation.BackwardWeights })
        {
            using var result = backend.Allocate(op switch
            {
                ConvolutionOperation.Forward => outputShape,
                ConvolutionOperation.BackwardData => inputShape,
                _ => weightShape,
            });
            void Launch(ExperimentalIlgpuBackend b)
            {
                switch (op)
                {
                    case ConvolutionOperation.Forward: b.ConvolutionForward(x, w, c.Dilation, result); break;
                    case ConvolutionOperation.BackwardData: b.ConvolutionBackwardData(dy, w, c.Dilation, result); break;
                    default: b.ConvolutionBackwardWeights(x, dy, c.Dilation, result); break;
                }
            }
            float[]? baseline = null; // V1 runs first (Variants order), so the baseline is V1's result
            foreach (var v in Variants.Where(v => v.Op == op))
            {
                // Versions for the other kernel size are left out (the backend would run V1 in their place).
                if (v.OnlyKernel != 0 && v.OnlyKernel != c.Kernel) continue;
                // 1. Small shape against the float64 reference, on this device (odd width, partial tiles, borders).
                double small = CompareWithReference(backend, reference, c, v, random);
                // 2. Full shape against V1 on this device, then the timing.
                backend.Versions = v.Versions;
                var candidate = RunPoisoned(backend, result, Launch);
                baseline ??= candidate;
                double full = ErrorMeasures.RelativeError(candidate, baseline);
                bool correct = small <= Tolerances.Float32Operation && full <= Tolerances.Float32Operation;
                var timing = correct ? KernelTimer.Measure(backend, () => Launch(backend), o.SecondsPerKernel) : null;
                backend.Versions = KernelVersions.Product;
                yield return new Row($"conv {v.Operation}", v.Version, c.ToString(), 2 * macs, bytes, small, full, correct, timing);
            }
        }
    }

    /// <summary>The version against the float64 reference at 2 × 19 × 37 (odd width, partial tiles, borders), through the one harness.</summary>
    private static double CompareWithReference(ExperimentalIlgpuBackend backend, ReferenceBackend reference, ConvolutionCase c, Variant v, Random random)
    {
        var inputShape = TensorShape.Nchw(2, c.InChannels, 19, 37);
        var outputShape = TensorShape.Nchw(2, c.OutChannels, 19, 37);
        var weightShape = new TensorShape(c.OutChannels, c.InChannels, c.Kernel, c.Kernel);
        var x = new HostTensor(Values(inputShape.Length, random), inputShape);
        var w = new HostTensor(Values(weightShape.Length, random), weightShape);
        var dy = new HostTensor(Values(outputShape.Length, random), outputShape);
        backend.Versions = v.Versions;
        try
        {
            var result = new BackendComparison(backend, reference).Compare($"{v.Operation} {v.Version} {c}", b =>
            {
                using var tx = x.Upload(b); using var tw = w.Upload(b); using var tdy = dy.Upload(b);
                switch (v.Op)
                {
                    case ConvolutionOperation.Forward:
                    {
                        using var y = BackendComparison.Poisoned(b, outputShape);
                        b.ConvolutionForward(tx, tw, c.Dilation, y);
                        return [BackendComparison.Download(y)];
                    }
                    case ConvolutionOperation.BackwardData:
                    {
                        using var dx = BackendComparison.Poisoned(b, inputShape);
                        b.ConvolutionBackwardData(tdy, tw, c.Dilation, dx);
                        return [BackendComparison.Download(dx)];
                    }
                    default:
                    {
                        using var dw = BackendComparison.Poisoned(b, weightShape);
                        b.ConvolutionBackwardWeights(tx, tdy, c.Dilation, dw);
                        return [BackendComparison.Download(dw)];
                    }
                }
            }, Tolerances.Float32Operation);
            return result.WorstRelativeError;
        }
        finally
        {
            backend.Versions = KernelVersions.Product;
        }
    }

    /// <summary>Fills the output with NaN, runs, downloads: an element the kernel never wrote stays NaN and fails.</summary>
    private static float[] RunPoisoned(ExperimentalIlgpuBackend backend, Tensor output, Action<ExperimentalIlgpuBackend> launch)
    {
        backend.Fill(output, float.NaN);
        launch(backend);
        var values = new float[output.Length];
        backend.Download(output, values);
        return values;
    }

    /// <summary>The memory-bound passes at the widest activation (64 channels on a GPU), timed with no version choice.</summary>
    private static IEnumerable<Row> RunElementwise(IBackend b, GpuKernelOptions o, Random random)
    {
        int channels = o.Device == "cuda" ? 64 : 8;
        var shape = TensorShape.Nchw(o.Batch, channels, o.Height, o.Width);
        var vector = TensorShape.Vector(channels);
        using var x = Upload(b, shape, random);
        using var dy = Upload(b, shape, random);
        using var y = b.Allocate(shape);
        using var dx = b.Allocate(shape);
        using var gamma = Upload(b, vector, random, 0.5f, 1.5f);
        using var beta = Upload(b, vector, random);
        using var runMean = Upload(b, vector, random);
        using var runVar = Upload(b, vector, random, 0.5f, 1.5f);
        using var mean = b.Allocate(vector);
        using var invStd = b.Allocate(vector);
        using var dGamma = b.Allocate(vector);
        using var dBeta = b.Allocate(vector);
        double n = shape.Length;
        string label = $"{channels} ch";
        Row Time(string name, double flops, double bytes, Action launch) =>
            new(name, "-", label, flops, bytes, double.NaN, double.NaN, true, KernelTimer.Measure(b, launch, o.SecondsPerKernel));
        yield return Time("relu forward", n, 8 * n, () => b.ReluForward(x, y));
        yield return Time("relu backward", n, 12 * n, () => b.ReluBackward(x, dy, dx));
        yield return Time("residual add forward", n, 12 * n, () => b.ResidualAddForward(x, dy, y));
        // BN training forward: mean, centred squares, normalise; the floor counts one read of x and one write of y.
        yield return Time("batchnorm training forward", 6 * n, 8 * n,
            () => b.BatchNormTrainingForward(x, gamma, beta, runMean, runVar, BatchNormSettings.Default, y, mean, invStd));
        b.BatchNormTrainingForward(x, gamma, beta, runMean, runVar, BatchNormSettings.Default, y, mean, invStd);
        yield return Time("batchnorm backward", 8 * n, 12 * n,
            () => b.BatchNormBackward(x, dy, gamma, mean, invStd, dx, dGamma, dBeta));
        // Held statistics: the same two sums, then dx = γ·istd·dy (reads x and dy, writes dx).
        yield return Time("batchnorm inference backward", 5 * n, 12 * n,
            () => b.BatchNormInferenceBackward(x, dy, gamma, runMean, runVar, BatchNormSettings.Default.Epsilon, dx, dGamma, dBeta));
    }

    private static Tensor Upload(IBackend b, TensorShape shape, Random random, float low = -1f, float high = 1f)
    {
        var t = b.Allocate(shape);
        b.Upload(Values(shape.Length, random, low, high), t);
        return t;
    }

    private static float[] Values(int length, Random random, float low = -1f, float high = 1f)
    {
        var values = new float[length];
        for (int k = 0; k < length; k++) values[k] = low + (high - low) * random.NextSingle();
        return values;
    }

    private static void Print(Row r)
    {
        string check = double.IsNaN(r.SmallError) ? "" : $" check ref {r.SmallError:E1} / V1 {r.FullError:E1}";
        if (r.Timing is not { } t)
        {
            Console.WriteLine($"  {r.Kernel,-27} {r.Version,-3} {r.Shape,-15} FAIL{check}");
            return;
        }
        double s = t.MedianSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {r.Kernel,-27} {r.Version,-3} {r.Shape,-15} {r.Flops / 1e9,8:F2} GFLOP {r.Bytes / 1e6,8:F1} MB {s * 1e3,9:F3} ms (min {t.MinSeconds * 1e3:F3}, {t.Repetitions}x{t.Launches}) " +
            $"{r.Flops / s / 1e9,8:F0} GFLOP/s {r.Bytes / s / 1e9,7:F0} GB/s floor {r.Floor * 1e3,7:F3} ms gap {s / r.Floor,6:F1}x{check}"));
    }

    private static void PrintSummary(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"{"kernel",-27} {"ver",-3} {"shape",-15} {"ms",9} {"GFLOP/s",8} {"GB/s",6} {"floor ms",8} {"gap",7}");
        foreach (var r in rows)
        {
            if (r.Timing is not { } t)
            {
                Console.WriteLine($"{r.Kernel,-27} {r.Version,-3} {r.Shape,-15} {"FAIL",9}");
                continue;
            }
            double s = t.MedianSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Kernel,-27} {r.Version,-3} {r.Shape,-15} {s * 1e3,9:F3} {r.Flops / s / 1e9,8:F0} {r.Bytes / s / 1e9,6:F0} {r.Floor * 1e3,8:F3} {s / r.Floor,6:F1}x"));
        }
    }

    private static void WriteCsv(string path, List<Row> rows)
    {
        var csv = new StringBuilder("kernel,version,shape,flops,bytes,median_s,min_s,launches,repetitions,floor_s,gap,ref_error,v1_error,correct\n");
        foreach (var r in rows)
        {
            var t = r.Timing;
            csv.Append(string.Create(CultureInfo.InvariantCulture,
                $"{r.Kernel},{r.Version},{r.Shape},{r.Flops:R},{r.Bytes:R},{t?.MedianSeconds:R},{t?.MinSeconds:R},{t?.Launches},{t?.Repetitions},{r.Floor:R},{(t is null ? "" : (t.MedianSeconds / r.Floor).ToString("R", CultureInfo.InvariantCulture))},{r.SmallError:R},{r.FullError:R},{r.Correct}\n"));
        }
        File.WriteAllText(path, csv.ToString());
        Console.WriteLine($"bench-kernels: wrote {path}");
    }
}
