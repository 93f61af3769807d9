using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Benchmarks.Cpu;

/// <summary>
/// The cpu backend's 3×3 dilated convolutions at the network's working size (one 296×216 slice, batch 1): forward,
/// backward-data and backward-weights for each stage of HighResNet (16 channels d1, 32 channels d2, 64 channels d4).
/// </summary>
[Config(typeof(Config))]
public class CpuConvolutionBenchmarks
{
    private CpuBackend _backend = null!;
    private Tensor _input = null!, _weights = null!, _output = null!, _gradOutput = null!, _gradInput = null!, _gradWeights = null!;

    [ParamsSource(nameof(Cases))]
    public ConvolutionCase Case { get; set; } = null!;

    public static IEnumerable<ConvolutionCase> Cases =>
    [
        new(32, 2),
        new(16, 1),
        new(64, 4),
    ];

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend();
        var random = new Random(20261127);
        var activation = TensorShape.Nchw(1, Case.Channels, ConvolutionCase.Height, ConvolutionCase.Width);
        var kernel = new TensorShape(Case.Channels, Case.Channels, 3, 3);
        _input = Random(activation, random);
        _gradOutput = Random(activation, random);
        _weights = Random(kernel, random);
        _output = _backend.Allocate(activation);
        _gradInput = _backend.Allocate(activation);
        _gradWeights = _backend.Allocate(kernel);
        Console.WriteLine($"// cpu backend: {_backend.Description}");
        Console.WriteLine($"// FMA peak measured now: {Onnx.FmaPeak.MeasureGflops(_backend.Threads):F0} GFLOP/s ({_backend.Threads} threads)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var tensor in new[] { _input, _weights, _output, _gradOutput, _gradInput, _gradWeights }) tensor.Dispose();
        _backend.Dispose();
    }

    [Benchmark]
    public void Forward() => _backend.ConvolutionForward(_input, _weights, Case.Dilation, _output);

    [Benchmark]
    public void BackwardData() => _backend.ConvolutionBackwardData(_gradOutput, _weights, Case.Dilation, _gradInput);

    [Benchmark]
    public void BackwardWeights() => _backend.ConvolutionBackwardWeights(_input, _gradOutput, Case.Dilation, _gradWeights);

    private Tensor Random(TensorShape shape, Random random)
    {
        var values = new float[shape.Length];
        for (int k = 0; k < values.Length; k++) values[k] = (float)(2 * random.NextDouble() - 1);
        var tensor = _backend.Allocate(shape);
        _backend.Upload(values, tensor);
        return tensor;
    }

    /// <summary>Channels in = out, dilation; the flop count is that of the forward pass (the two backward passes match it).</summary>
    public sealed record ConvolutionCase(int Channels, int Dilation) : IFlopCount
    {
        public const int Height = 216;
        public const int Width = 296;

        public double Flops => 2.0 * Channels * Channels * 9 * Height * Width;

        public override string ToString() => $"{Channels}→{Channels} d{Dilation}";
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(StatisticColumn.Min, new GflopsColumn(), new GflopsColumn(fromBestTime: true));
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}
