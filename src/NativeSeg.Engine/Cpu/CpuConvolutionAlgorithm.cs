namespace NativeSeg.Engine.Cpu;

/// <summary>
/// How the cpu backend computes the 3×3 convolutions of <see cref="IBackend.ConvolutionInferenceForward"/> (training
/// and the plain <see cref="IBackend.ConvolutionForward"/> always run the exact direct loop).
/// Environment variable <see cref="EnvironmentVariable"/> = direct | winograd | auto sets the default of
/// <c>new CpuBackend()</c>.
/// </summary>
public enum CpuConvolutionAlgorithm
{
    /// <summary>Winograd where it measured faster than direct (<see cref="CpuConvolutionAlgorithms.UsesWinograd"/>), else direct.</summary>
    Auto,

    /// <summary>The direct loop: each output is the float32 sum of its 9·Cin products; the fused result equals the separate operations bit for bit.</summary>
    Direct,

    /// <summary>Winograd F(4×4, 3×3) for every 3×3 convolution (1×1 stays direct): about 4× fewer multiplications, float32 error of about 1e-6 relative.</summary>
    Winograd,
}

/// <summary>Parsing and the per-layer choice of <see cref="CpuConvolutionAlgorithm.Auto"/>.</summary>
public static class CpuConvolutionAlgorithms
{
    public const string EnvironmentVariable = "NATIVESEG_CPU_CONVOLUTION";

    /// <summary>Auto runs Winograd when both channel counts reach this.</summary>
    public const int AutoMinimumChannels = 64;

    public static CpuConvolutionAlgorithm Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => CpuConvolutionAlgorithm.Auto,
        "direct" => CpuConvolutionAlgorithm.Direct,
        "winograd" => CpuConvolutionAlgorithm.Winograd,
        _ => throw new ArgumentException($"unknown convolution algorithm '{text}'; choose direct, winograd or auto.", nameof(text)),
    };

    /// <summary>The default: <see cref="EnvironmentVariable"/> if set, else auto.</summary>
    public static CpuConvolutionAlgorithm FromEnvironment() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>
    /// Whether a 3×3 convolution of <paramref name="inChannels"/> → <paramref name="outChannels"/> runs by Winograd.
    /// Auto: when both channel counts are at least 64, the only HighResNet2D layer shape (64→64, dilation 4) where
    /// Winograd measured faster than the direct loop in every interleaved run on the 2-core AVX-512 machine
    /// (benchmarks/RESULTS.md, "Winograd against direct, per layer"). At 16 and 32 channels the transforms, the
    /// channels-last copies and the transposes cost as much as the multiplications they save.
    /// </summary>
    public static bool UsesWinograd(CpuConvolutionAlgorithm algorithm, int kernel, int inChannels, int outChannels) =>
        kernel == 3 && algorithm switch
        {
            CpuConvolutionAlgorithm.Winograd => true,
            CpuConvolutionAlgorithm.Auto => inChannels >= AutoMinimumChannels && outChannels >= AutoMinimumChannels,
            _ => false,
        };
}
