using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using NativeSeg.Engine;
using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Benchmarks.Cpu;

/// <summary>
/// Every HighResNet2D 3×3 layer shape (one 216×296 slice, batch 1) as the fused inference convolution the network
/// calls (input BN + ReLU except on the 1-channel stem, output BN + ReLU), on the direct path and by Winograd
/// F(4×4, 3×3). The GFLOP/s columns count the direct convolution's FLOPs (2·Cout·Cin·9·H·W) for both algorithms, so
/// Winograd's is an effective rate (it does about a quarter of those multiplications). The memory diagnoser shows the
/// managed allocation per call (the Winograd buffers are native and per thread, the weight transform cached).
/// Winograd runs twice: from an NCHW input (a layer after a direct one: the input is transposed per block) and from a
/// channels-last input (a layer after a Winograd one, as inside res_2 and res_3: no transpose; not for the 1-channel
/// stem). Its output is channels-last in both.
/// Command: <c>NativeSeg.Benchmarks --filter '*WinogradBenchmarks*' --job short --inProcess</c>.
/// </summary>
[Config(typeof(Config))]
public class WinogradBenchmarks
{
    private CpuBackend _backend = null!;
    private readonly List<Tensor> _owned = [];
    private Tensor _input = null!, _weights = null!, _output = null!;
    private InferenceBatchNorm? _before;
    private InferenceBatchNorm _after = null!;

    [ParamsSource(nameof(Layers))]
    public LayerCase Layer { get; set; } = null!;

    [Params(ConvolutionPath.Direct, ConvolutionPath.WinogradFromNchw, ConvolutionPath.WinogradFromChannelsLast)]
    public ConvolutionPath Path { get; set; }

    public static IEnumerable<LayerCase> Layers => [new(1, 16, 1), new(16, 16, 1), new(16, 32, 2), new(32, 32, 2), new(32, 64, 4), new(64, 64, 4)];

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend(convolution: Path == ConvolutionPath.Direct ? CpuConvolutionAlgorithm.Direct : CpuConvolutionAlgorithm.Winograd);
        var random = new Random(20261204);
        Tensor Make(TensorShape shape, float scale, float offset = 0)
        {
            var values = new float[shape.Length];
            for (int k = 0; k < values.Length; k++) values[k] = offset + scale * (float)(2 * random.NextDouble() - 1);
            var tensor = _backend.Allocate(shape);
            _backend.Upload(values, tensor);
            _owned.Add(tensor);
            return tensor;
        }
        InferenceBatchNorm Norm(int c) => new(Make(TensorShape.Vector(c), 0.2f, 1), Make(TensorShape.Vector(c), 0.1f),
            Make(TensorShape.Vector(c), 0.2f), Make(TensorShape.Vector(c), 0.5f, 1), 1e-5f, Relu: true);
        _input = Make(TensorShape.Nchw(1, Layer.InChannels, LayerCase.Height, LayerCase.Width), 1);
        _weights = Make(new TensorShape(Layer.OutChannels, Layer.InChannels, 3, 3), 0.1f);
        _output = Make(TensorShape.Nchw(1, Layer.OutChannels, LayerCase.Height, LayerCase.Width), 0);
        _before = Layer.InChannels > 1 ? Norm(Layer.InChannels) : null;
        if (Path == ConvolutionPath.WinogradFromChannelsLast && ChannelsLastConversion.Supports(_input.Shape))
        {
            using var scratch = new CpuScratchPool();
            ChannelsLastConversion.Convert(new CpuWorkers(_backend.Threads), scratch, (CpuTensor)_input, CpuLayout.ChannelsLast);
        }
        _after = Norm(Layer.OutChannels);
        Console.WriteLine($"// cpu backend: {_backend.Description}");
        Console.WriteLine($"// FMA peak measured now: {Onnx.FmaPeak.MeasureGflops(_backend.Threads):F0} GFLOP/s ({_backend.Threads} threads)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var tensor in _owned) tensor.Dispose();
        _owned.Clear();
        _backend.Dispose();
    }

    [Benchmark]
    public void FusedInferenceConvolution() =>
        _backend.ConvolutionInferenceForward(_input, _before, _weights, Layer.Dilation, _after, residual: null, _output);

    /// <summary>A HighResNet2D 3×3 layer; FLOPs of the direct convolution.</summary>
    public sealed record LayerCase(int InChannels, int OutChannels, int Dilation) : IFlopCount
    {
        public const int Height = 216;
        public const int Width = 296;

        public double Flops => 2.0 * OutChannels * InChannels * 9 * Height * Width;

        public override string ToString() => $"{InChannels}→{OutChannels} d{Dilation}";
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

/// <summary>How <see cref="WinogradBenchmarks"/> runs a layer.</summary>
public enum ConvolutionPath
{
    Direct,
    WinogradFromNchw,
    WinogradFromChannelsLast,
}
